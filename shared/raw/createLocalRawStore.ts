import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { ConflictError, ValidationError } from '../errors.ts';
import { rawPartKey, rawRunPrefix, type RawManifest, type RawPart, type RawPartInfo, type RawRunRef, type RawStore } from './rawStore.ts';

const RUN_ID = /^[A-Za-z0-9_.-]+$/;
const PART_FILE = /^part-(\d{5})\.json$/;

function assertSafeRun(run: RawRunRef): void {
  if (!RUN_ID.test(run.runId)) {
    throw new ValidationError('raw.bad_run_id', `Run id ${JSON.stringify(run.runId)} may only hold letters, digits, _, . and -.`);
  }
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
async function writeAtomically(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, file);
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A raw store in a local folder, with the same key layout as the object store. */
export function createLocalRawStore(root: string): RawStore {
  const fileOf = (key: string): string => {
    const resolved = path.resolve(root, key);
    if (!resolved.startsWith(path.resolve(root) + path.sep)) {
      throw new ValidationError('raw.bad_key', `Raw key ${JSON.stringify(key)} points outside the raw store.`);
    }
    return resolved;
  };

  const listParts = async (run: RawRunRef): Promise<RawPartInfo[]> => {
    assertSafeRun(run);
    const prefix = rawRunPrefix(run);
    let names: string[];
    try {
      names = await readdir(fileOf(prefix));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const infos: RawPartInfo[] = [];
    for (const name of names.sort()) {
      const match = PART_FILE.exec(name);
      if (match === null) continue;
      const key = `${prefix}/${name}`;
      const text = await readFile(fileOf(key), 'utf8');
      const parsed = JSON.parse(text) as RawPart;
      infos.push({ key, part: Number(match[1]), records: parsed.records.length, bytes: Buffer.byteLength(text), sha256: sha256(text) });
    }
    return infos;
  };

  return {
    location: pathToFileURL(root).toString(),

    writePart: async (run, part, records, origin) => {
      assertSafeRun(run);
      if (!Number.isInteger(part) || part < 0 || part > 99_999) {
        throw new ValidationError('raw.bad_part', `Part number ${part} must be a whole number from 0 to 99999.`);
      }
      const key = rawPartKey(run, part);
      const file = fileOf(key);
      const existing = await readIfExists(file);
      if (existing !== undefined) {
        const previous = JSON.parse(existing) as RawPart;
        if (JSON.stringify(previous.records) !== JSON.stringify(records)) {
          throw new ConflictError('raw.part_conflict', `Raw part ${key} already holds different records; raw files are immutable. Start a new run instead of rewriting this one.`, { context: { key } });
        }
        return { key, part, records: previous.records.length, bytes: Buffer.byteLength(existing), sha256: sha256(existing) };
      }
      const body: RawPart = { source: run.source, dataset: run.dataset, run_id: run.runId, part, received_at: new Date().toISOString(), ...(origin === undefined ? {} : { origin }), records };
      const text = JSON.stringify(body);
      await writeAtomically(file, text);
      return { key, part, records: records.length, bytes: Buffer.byteLength(text), sha256: sha256(text) };
    },

    writeManifest: async (run, complete) => {
      const parts = await listParts(run);
      const manifest: RawManifest = {
        source: run.source,
        dataset: run.dataset,
        run_id: run.runId,
        started_at: run.startedAt.toISOString(),
        complete,
        parts,
        records: parts.reduce((sum, info) => sum + info.records, 0),
      };
      await writeAtomically(fileOf(`${rawRunPrefix(run)}/manifest.json`), JSON.stringify(manifest, null, 2));
      return manifest;
    },

    readManifest: async (run) => {
      assertSafeRun(run);
      const text = await readIfExists(fileOf(`${rawRunPrefix(run)}/manifest.json`));
      return text === undefined ? null : (JSON.parse(text) as RawManifest);
    },

    listParts,

    readPart: async (key) => {
      const text = await readIfExists(fileOf(key));
      if (text === undefined) {
        throw new ValidationError('raw.part_missing', `Raw part ${key} does not exist in ${root}.`, { context: { key } });
      }
      try {
        const parsed = JSON.parse(text) as RawPart;
        if (!Array.isArray(parsed.records)) throw new Error('records is not an array');
        return parsed;
      } catch (error) {
        throw new ValidationError('raw.part_corrupt', `Raw part ${key} is not a valid part file (${(error as Error).message}).`, { cause: error, context: { key } });
      }
    },

    deleteRunsBefore: async (source, dataset, before) => {
      const datasetDir = fileOf(['raw', source, dataset].join('/'));
      const removed: string[] = [];
      const years = await readdir(datasetDir).catch(() => [] as string[]);
      for (const year of years) {
        for (const month of await readdir(path.join(datasetDir, year)).catch(() => [] as string[])) {
          for (const day of await readdir(path.join(datasetDir, year, month)).catch(() => [] as string[])) {
            const dayEnd = Date.UTC(Number(year), Number(month) - 1, Number(day) + 1);
            if (!(dayEnd <= before.getTime())) continue;
            const dayDir = path.join(datasetDir, year, month, day);
            removed.push(...(await readdir(dayDir)));
            await rm(dayDir, { recursive: true, force: true });
          }
        }
      }
      return removed;
    },
  };
}
