/**
 * Helpers for connector tests: a dataset ref from plain settings, a context on a temporary raw
 * store with a manual clock and captured logs, and the records a run wrote, read back in part order.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import superjson from 'superjson';

import type { Connector } from '#connectors/connector.ts';
import type { ConnectorContext, ExtractResult } from '#connectors/types.ts';
import { loadEnv } from '#platform/env.ts';
import { createLogger } from '#platform/log.ts';
import { datasetSchema, sourceSchema, type DatasetRef } from '#metadata/schema.ts';
import { createLocalRawStore } from '#platform/raw/createLocalRawStore.ts';
import type { RawRunRef, RawStore } from '#platform/raw/rawStore.ts';
import type { SecretStore } from '#platform/secrets/secretStore.ts';
import { createManualClock, type ManualClock } from './manualClock.ts';

export type Harness = {
  readonly dir: string;
  readonly raw: RawStore;
  readonly clock: ManualClock;
  readonly logs: string[];
  readonly context: ConnectorContext;
  readonly cleanup: () => Promise<void>;
};

/** A temporary raw store, manual clock and captured JSON log lines. */
export async function createHarness(secrets: SecretStore, extra: Partial<ConnectorContext> = {}): Promise<Harness> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dp-connector-'));
  const raw = createLocalRawStore(path.join(dir, 'raw'));
  const clock = createManualClock();
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', sink: (line) => logs.push(line), fields: { fn: 'test' } });
  const env = loadEnv({ DP_DATA_DIR: path.join(dir, 'data') });
  return {
    dir,
    raw,
    clock,
    logs,
    context: { raw, secrets, logger, clock, env, ...extra },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A DatasetRef parsed by the real metadata schemas. */
export function datasetRef(source: Record<string, unknown>, dataset: Record<string, unknown>): DatasetRef {
  const parsedDataset = datasetSchema.parse({ load: 'full', key: ['id'], columns: [{ name: 'id', type: 'text' }], ...dataset });
  const parsedSource = sourceSchema.parse({ datasets: [parsedDataset], ...source });
  return { source: parsedSource, dataset: parsedDataset };
}

let runCounter = 0;
/** A fresh run of the dataset. */
export function newRun(ref: DatasetRef, startedAt = new Date('2026-02-03T04:05:06Z')): RawRunRef {
  runCounter += 1;
  return { source: ref.source.source, dataset: ref.dataset.name, runId: `run-${runCounter}`, startedAt };
}

/** Every record the run wrote, in part order, and the part numbers. */
export async function recordsOf(raw: RawStore, run: RawRunRef): Promise<{ records: unknown[]; parts: number[]; origins: (string | undefined)[] }> {
  const parts = await raw.listParts(run);
  const records: unknown[] = [];
  const origins: (string | undefined)[] = [];
  for (const info of parts) {
    const part = await raw.readPart(info.key);
    records.push(...part.records);
    origins.push(part.origin);
  }
  return { records, parts: parts.map((info) => info.part), origins };
}

/**
 * Runs an extraction chunk by chunk until done, each chunk with `chunkMs` of time from the
 * clock's now; checkpoints cross a superjson round trip as they do between functions.
 */
export async function extractInChunks(connector: Connector<unknown, unknown, unknown>, harness: Harness, ref: DatasetRef, run: RawRunRef, chunkMs: number, cursor?: unknown): Promise<{ results: ExtractResult[]; last: ExtractResult }> {
  const results: ExtractResult[] = [];
  let checkpoint: unknown;
  for (let chunk = 0; chunk < 100; chunk += 1) {
    const result = await connector.extract({ ref, run, checkpoint, cursor, deadline: harness.clock.now() + chunkMs }, harness.context);
    results.push(result);
    if (result.done) return { results, last: result };
    checkpoint = superjson.parse(superjson.stringify(result.checkpoint));
    if (result.resumeAt !== undefined && result.resumeAt > harness.clock.now()) harness.clock.advance(result.resumeAt - harness.clock.now());
  }
  throw new Error('extraction did not finish in 100 chunks');
}
