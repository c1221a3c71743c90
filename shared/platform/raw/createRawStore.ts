import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';

import { ConflictError, ValidationError } from '../errors.ts';
import type { ObjectStore } from './objectStore.ts';
import { rawPartKey, rawRunPrefix, type RawManifest, type RawPart, type RawPartInfo, type RawRunRef, type RawStore, type RawUsage } from './rawStore.ts';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

const RUN_ID = /^[A-Za-z0-9_.-]+$/;
const PART_FILE = /\/part-(\d{5})\.json(\.gz)?$/;
const RUN_KEY = /^raw\/[^/]+\/[^/]+\/(\d{4})\/(\d{2})\/(\d{2})\/([^/]+)\//;
const GZ = '.gz';

function assertSafeRun(run: RawRunRef): void {
  if (!RUN_ID.test(run.runId)) {
    throw new ValidationError('raw.bad_run_id', `Run id ${JSON.stringify(run.runId)} may only hold letters, digits, _, . and -.`);
  }
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** A part's key as callers know it: always `…/part-<nnnnn>.json`, whether it is stored gzipped or not. */
const logicalKey = (key: string): string => (key.endsWith(GZ) ? key.slice(0, -GZ.length) : key);

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

/** The end of a run's start day (UTC), from its key; undefined for a key outside the run layout. */
function runDayEnd(key: string): { readonly end: number; readonly runId: string } | undefined {
  const match = RUN_KEY.exec(key);
  if (match === null) return undefined;
  return { end: Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + 1), runId: match[4] ?? '' };
}

/**
 * The raw layer over any object store: immutable parts, run manifests and retention. A part that
 * retention compressed is stored as `part-<nnnnn>.json.gz`; every reader sees it under its usual key.
 */
export function createRawStore(objects: ObjectStore): RawStore {
  // What this store wrote or read about a part: parts are immutable, so it stays true (a function process keeps
  // its store across invocations; a new one learns it from the run's manifest).
  const written = new Map<string, RawPartInfo>();
  const remember = (info: RawPartInfo): RawPartInfo => {
    written.set(info.key, info);
    return info;
  };
  /** A part's bytes as written (uncompressed), whichever way it is stored; undefined when absent. */
  const readBytes = async (key: string): Promise<Buffer | undefined> => {
    const plain = await objects.get(key);
    if (plain !== undefined) return plain;
    const compressed = await objects.get(key + GZ);
    return compressed === undefined ? undefined : gunzipAsync(compressed);
  };

  const readManifest = async (run: RawRunRef): Promise<RawManifest | null> => {
    const bytes = await objects.get(`${rawRunPrefix(run)}/manifest.json`);
    return bytes === undefined ? null : (JSON.parse(bytes.toString('utf8')) as RawManifest);
  };

  const listPartKeys = async (run: RawRunRef): Promise<readonly string[]> => {
    assertSafeRun(run);
    const keys = new Set<string>();
    for (const key of await objects.list(`${rawRunPrefix(run)}/`)) {
      if (PART_FILE.test(key)) keys.add(logicalKey(key));
    }
    return [...keys].sort();
  };

  const listParts = async (run: RawRunRef): Promise<RawPartInfo[]> => {
    assertSafeRun(run);
    // Parts are immutable, so what the manifest (or this store, when it wrote the part) already says about a part
    // stays true: only parts neither knows are read. Reading every part again at each checkpoint made a large
    // run's checkpoints ever slower, past the function's exec_timeout.
    const known = new Map(((await readManifest(run))?.parts ?? []).map((info) => [info.key, info]));
    const infos: RawPartInfo[] = [];
    for (const key of await listPartKeys(run)) {
      const listed = known.get(key) ?? written.get(key);
      if (listed !== undefined) {
        infos.push(listed);
        continue;
      }
      const bytes = await readBytes(key);
      if (bytes === undefined) continue;
      infos.push(infoOf(key, Number(PART_FILE.exec(key)?.[1]), parsePart(key, bytes).records.length, bytes));
    }
    return infos.sort((a, b) => a.part - b.part);
  };

  const sizes = async (prefix: string): Promise<readonly { readonly key: string; readonly bytes: number }[]> => {
    if (objects.listSizes !== undefined) return objects.listSizes(prefix);
    const result: { key: string; bytes: number }[] = [];
    for (const key of await objects.list(prefix)) result.push({ key, bytes: (await objects.get(key))?.length ?? 0 });
    return result;
  };

  return {
    location: objects.location,

    writePart: async (run, part, records, origin) => {
      assertSafeRun(run);
      if (!Number.isInteger(part) || part < 0 || part > 99_999) {
        throw new ValidationError('raw.bad_part', `Part number ${part} must be a whole number from 0 to 99999.`);
      }
      const key = rawPartKey(run, part);
      const existing = await readBytes(key);
      if (existing !== undefined) {
        const previous = parsePart(key, existing);
        if (JSON.stringify(previous.records) !== JSON.stringify(records)) {
          throw new ConflictError('raw.part_conflict', `Raw part ${key} already holds different records; raw files are immutable. Start a new run instead of rewriting this one.`, { context: { key } });
        }
        return remember(infoOf(key, part, previous.records.length, existing));
      }
      const body: RawPart = { source: run.source, dataset: run.dataset, run_id: run.runId, part, received_at: new Date().toISOString(), ...(origin === undefined ? {} : { origin }), records };
      const bytes = Buffer.from(JSON.stringify(body));
      await objects.put(key, bytes);
      return remember(infoOf(key, part, records.length, bytes));
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
    listPartKeys,

    readPart: async (key) => {
      const bytes = await readBytes(logicalKey(key));
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
        const run = runDayEnd(key);
        if (run !== undefined && run.end <= before.getTime()) {
          doomed.push(key);
          runs.add(run.runId);
        }
      }
      await objects.delete(doomed);
      return [...runs].sort();
    },

    compressRunsBefore: async (source, dataset, before, deadline) => {
      let files = 0;
      let bytesBefore = 0;
      let bytesAfter = 0;
      for (const key of await objects.list(`raw/${source}/${dataset}/`)) {
        const run = runDayEnd(key);
        if (run === undefined || run.end > before.getTime() || !key.endsWith('.json') || !PART_FILE.test(key)) continue;
        if (deadline !== undefined && Date.now() >= deadline) break;
        const bytes = await objects.get(key);
        if (bytes === undefined) continue;
        const compressed = await gzipAsync(bytes, { level: 9 });
        // Written before the plain file goes: a reader finds one of the two at every moment.
        await objects.put(key + GZ, compressed);
        await objects.delete([key]);
        files += 1;
        bytesBefore += bytes.length;
        bytesAfter += compressed.length;
      }
      return { files, bytesBefore, bytesAfter };
    },

    measure: async (source, dataset) => {
      const usage = { runs: 0, files: 0, bytes: 0, compressedFiles: 0, compressedBytes: 0 };
      const runs = new Set<string>();
      for (const entry of await sizes(`raw/${source}/${dataset}/`)) {
        const run = runDayEnd(entry.key);
        if (run !== undefined) runs.add(run.runId);
        usage.files += 1;
        usage.bytes += entry.bytes;
        if (entry.key.endsWith(GZ)) {
          usage.compressedFiles += 1;
          usage.compressedBytes += entry.bytes;
        }
      }
      return { ...usage, runs: runs.size } satisfies RawUsage;
    },
  };
}
