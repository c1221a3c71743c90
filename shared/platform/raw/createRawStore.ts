import { createHash } from 'node:crypto';

import { ConflictError, ValidationError } from '../errors.ts';
import type { ObjectStore } from './objectStore.ts';
import { rawPartKey, rawRunPrefix, type RawManifest, type RawPart, type RawPartInfo, type RawRunRef, type RawStore } from './rawStore.ts';

const RUN_ID = /^[A-Za-z0-9_.-]+$/;
const PART_FILE = /\/part-(\d{5})\.json$/;
const RUN_KEY = /^raw\/[^/]+\/[^/]+\/(\d{4})\/(\d{2})\/(\d{2})\/([^/]+)\//;

function assertSafeRun(run: RawRunRef): void {
  if (!RUN_ID.test(run.runId)) {
    throw new ValidationError('raw.bad_run_id', `Run id ${JSON.stringify(run.runId)} may only hold letters, digits, _, . and -.`);
  }
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

function parsePart(key: string, bytes: Buffer): RawPart {
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as RawPart;
    if (!Array.isArray(parsed.records)) throw new Error('records is not an array');
    return parsed;
  } catch (error) {
    throw new ValidationError('raw.part_corrupt', `Raw part ${key} is not a valid part file (${(error as Error).message}).`, { cause: error, context: { key } });
  }
}

const infoOf = (key: string, part: number, records: number, bytes: Buffer): RawPartInfo => ({ key, part, records, bytes: bytes.length, sha256: sha256(bytes) });

/** The raw layer over any object store: immutable parts, run manifests and retention. */
export function createRawStore(objects: ObjectStore): RawStore {
  const readManifest = async (run: RawRunRef): Promise<RawManifest | null> => {
    const bytes = await objects.get(`${rawRunPrefix(run)}/manifest.json`);
    return bytes === undefined ? null : (JSON.parse(bytes.toString('utf8')) as RawManifest);
  };

  const listParts = async (run: RawRunRef): Promise<RawPartInfo[]> => {
    assertSafeRun(run);
    // Parts are immutable, so what the manifest already says about a part stays true: only parts written since
    // are read. Reading every part again at each checkpoint made a large run's checkpoints ever slower.
    const known = new Map(((await readManifest(run))?.parts ?? []).map((info) => [info.key, info]));
    const infos: RawPartInfo[] = [];
    for (const key of await objects.list(`${rawRunPrefix(run)}/`)) {
      const match = PART_FILE.exec(key);
      if (match === null) continue;
      const listed = known.get(key);
      if (listed !== undefined) {
        infos.push(listed);
        continue;
      }
      const bytes = await objects.get(key);
      if (bytes === undefined) continue;
      infos.push(infoOf(key, Number(match[1]), parsePart(key, bytes).records.length, bytes));
    }
    return infos.sort((a, b) => a.part - b.part);
  };

  return {
    location: objects.location,

    writePart: async (run, part, records, origin) => {
      assertSafeRun(run);
      if (!Number.isInteger(part) || part < 0 || part > 99_999) {
        throw new ValidationError('raw.bad_part', `Part number ${part} must be a whole number from 0 to 99999.`);
      }
      const key = rawPartKey(run, part);
      const existing = await objects.get(key);
      if (existing !== undefined) {
        const previous = parsePart(key, existing);
        if (JSON.stringify(previous.records) !== JSON.stringify(records)) {
          throw new ConflictError('raw.part_conflict', `Raw part ${key} already holds different records; raw files are immutable. Start a new run instead of rewriting this one.`, { context: { key } });
        }
        return infoOf(key, part, previous.records.length, existing);
      }
      const body: RawPart = { source: run.source, dataset: run.dataset, run_id: run.runId, part, received_at: new Date().toISOString(), ...(origin === undefined ? {} : { origin }), records };
      const bytes = Buffer.from(JSON.stringify(body));
      await objects.put(key, bytes);
      return infoOf(key, part, records.length, bytes);
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
      await objects.put(`${rawRunPrefix(run)}/manifest.json`, Buffer.from(JSON.stringify(manifest, null, 2)));
      return manifest;
    },

    readManifest: async (run) => {
      assertSafeRun(run);
      return readManifest(run);
    },

    listParts,

    readPart: async (key) => {
      const bytes = await objects.get(key);
      if (bytes === undefined) {
        throw new ValidationError('raw.part_missing', `Raw part ${key} does not exist in ${objects.location}.`, { context: { key } });
      }
      return parsePart(key, bytes);
    },

    deleteRunsBefore: async (source, dataset, before) => {
      const keys = await objects.list(`raw/${source}/${dataset}/`);
      const doomed: string[] = [];
      const runs = new Set<string>();
      for (const key of keys) {
        const match = RUN_KEY.exec(key);
        if (match === null) continue;
        const dayEnd = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + 1);
        if (dayEnd <= before.getTime()) {
          doomed.push(key);
          runs.add(match[4] ?? '');
        }
      }
      await objects.delete(doomed);
      return [...runs].sort();
    },
  };
}
