/**
 * A world for fault injection: the real stack.yml (orchestrator, files, rest, bronze, silver, gold) behind the
 * local gateway, with a misbehaving proxy in front of it (lost callbacks, jobs delivered twice), throwaway
 * databases and folders, and a `mart.items` full-load export whose every snapshot is generated from a seed, so
 * the silver history it must produce is known exactly: `expectedHistory` replays the snapshots through the SCD2
 * rules in memory, and `silverHistory` reads what silver holds, for a test to compare after each fault.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { z } from 'zod';

import { sql } from '#platform/db/sql.ts';
import { projectRoot } from '#platform/env.ts';
import { readMetadataFolder } from '#metadata/readMetadataFolder.ts';
import type { MetadataFileText } from '#metadata/validateMetadata.ts';
import { createLocalGateway, type LocalGateway } from '#tools/gateway/createLocalGateway.ts';
import { createTestDatabase, createTestMongo, type TestDatabase, type TestMongo } from './database.ts';
import { startGatewayProxy, type GatewayProxy } from './gatewayProxy.ts';
import { syncTestMetadata } from './stepRuns.ts';

/** `mart.items`: a full-load export in small raw parts, and a gold model that takes 1.5 s, so every step can be caught at work. */
export const MART_METADATA: readonly MetadataFileText[] = [
  {
    path: 'mart.yml',
    text: `
source: mart
connector: files
config: { inbox: mart }
datasets:
  - name: items
    load: full
    key: [id]
    columns:
      - { name: id, type: bigint }
      - { name: amount, type: numeric }
      - { name: note, type: text, scd: 1 }
    extract: { format: csv, pattern: 'mart*.csv', batch_size: 250 }
`,
  },
  { path: 'gold/mart.yml', text: 'models:\n  - { name: mart_total, sql: gold/mart_total.sql, depends_on: [mart.items] }\n' },
  { path: 'gold/mart_total.sql', text: 'SELECT count(*) AS items, sum(amount) AS total FROM silver.mart__items, pg_sleep(1.5) WHERE _is_current AND NOT _is_deleted' },
];

export type Snapshot = ReadonlyMap<number, { readonly amount: number; readonly note: string }>;

/** Snapshot `k` of `rows` keys: each key's amount changes every 7th snapshot in its phase, about 1 % of keys are absent from it. */
export function martSnapshot(k: number, rows: number): Snapshot {
  const snapshot = new Map<number, { amount: number; note: string }>();
  for (let id = 1; id <= rows; id += 1) {
    if ((id * 31 + k) % 97 === 0) continue;
    snapshot.set(id, { amount: id * 10 + Math.floor((k + (id % 7)) / 7), note: `n${(id + k) % 3}` });
  }
  return snapshot;
}

export type Version = { readonly amount: string; readonly note: string; readonly deleted: boolean; readonly current: boolean };

/** What silver must hold after `snapshots`, in order: the versions of each key (scd2 on amount, scd1 on note, tombstones, revivals). */
export function expectedHistory(snapshots: readonly Snapshot[]): Map<number, Version[]> {
  const history = new Map<number, { amount: number; note: string; deleted: boolean }[]>();
  for (const snapshot of snapshots) {
    for (const [id, record] of snapshot) {
      const versions = history.get(id) ?? [];
      history.set(id, versions);
      const last = versions.at(-1);
      if (last !== undefined && !last.deleted && last.amount === record.amount) {
        for (const version of versions) version.note = record.note;
        continue;
      }
      for (const version of versions) version.note = record.note;
      versions.push({ ...record, deleted: false });
    }
    for (const [id, versions] of history) {
      const last = versions.at(-1)!;
      if (!snapshot.has(id) && !last.deleted) versions.push({ ...last, deleted: true });
    }
  }
  return new Map([...history].map(([id, versions]) => [id, versions.map((version, index) => ({ amount: String(version.amount), note: version.note, deleted: version.deleted, current: index === versions.length - 1 }))]));
}

const versionRow = z.object({ id: z.number(), amount: z.string(), note: z.string(), deleted: z.boolean(), current: z.boolean() });

/** What silver holds for `mart.items`, in the same shape. */
export async function silverHistory(db: TestDatabase): Promise<Map<number, Version[]>> {
  const rows = await db.pool.any(sql.type(versionRow)`
    SELECT id::int AS id, amount::text AS amount, note, _is_deleted AS deleted, _is_current AS current
    FROM silver.mart__items ORDER BY id, _valid_from, _is_current`);
  const history = new Map<number, Version[]>();
  for (const row of rows) {
    const versions = history.get(row.id) ?? [];
    history.set(row.id, versions);
    versions.push({ amount: row.amount, note: row.note, deleted: row.deleted, current: row.current });
  }
  return history;
}

export type FaultWorld = {
  readonly db: TestDatabase;
  readonly mongo: TestMongo;
  readonly dir: string;
  readonly proxy: GatewayProxy;
  /** The gateway now serving (a test may restart it). */
  gateway: LocalGateway;
  /** Stops the gateway and starts a new one on the same port (its queue is lost, as a restart loses it). */
  readonly restartGateway: () => Promise<void>;
  /** Writes snapshot `k` as `mart-<k>.csv` into the source's inbox. */
  readonly dropSnapshot: (k: number, snapshot: Snapshot) => Promise<void>;
  readonly close: () => Promise<void>;
};

/** Starts the stack on fresh databases (or the given URLs) behind a proxy; shipped metadata plus `extra` is synced. */
export async function startFaultWorld(options: { readonly extra?: readonly MetadataFileText[]; readonly env?: Readonly<Record<string, string>>; readonly databaseUrl?: string; readonly db?: TestDatabase; readonly mongo?: TestMongo } = {}): Promise<FaultWorld> {
  const db = options.db ?? (await createTestDatabase());
  const mongo = options.mongo ?? (await createTestMongo());
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dp-faults-'));
  const shipped = await readMetadataFolder(path.join(projectRoot, 'metadata'));
  await syncTestMetadata(db.pool, [...shipped, ...MART_METADATA, ...(options.extra ?? [])]);
  const proxy = await startGatewayProxy();
  const password = `faults-${randomBytes(6).toString('hex')}`;
  const start = (port: number): Promise<LocalGateway> => createLocalGateway({
    stackFile: path.join(projectRoot, 'stack.yml'),
    only: ['orchestrator', 'files', 'rest', 'bronze', 'silver', 'gold'],
    port,
    credentials: { user: 'admin', password },
    scheduleDriver: null,
    functionEnv: {
      DATABASE_URL: db.url,
      MONGODB_URL: mongo.url,
      DP_RAW_STORE_URL: pathToFileURL(path.join(dir, 'raw')).href,
      DP_INBOX_DIR: path.join(dir, 'inbox'),
      DP_ARCHIVE_DIR: path.join(dir, 'archive'),
      DP_GATEWAY_URL: proxy.url,
      DP_CALLBACK_BASE_URL: proxy.url,
      DP_SECRETS_PROVIDER: 'env',
      DP_RETRY_BASE_MS: '250',
      DP_RETRY_MAX_MS: '1000',
      DP_MAX_ATTEMPTS: '6',
      DP_CALLBACK_TIMEOUT_SECONDS: '4',
      DP_LOG_LEVEL: 'error',
      ...options.env,
    },
    output: () => undefined,
  });
  const world: FaultWorld = {
    db,
    mongo,
    dir,
    proxy,
    gateway: await start(0),
    restartGateway: async () => {
      const { port } = world.gateway;
      await world.gateway.close();
      world.gateway = await start(port);
      proxy.target = world.gateway.url;
    },
    dropSnapshot: async (k, snapshot) => {
      const inbox = path.join(dir, 'inbox', 'mart');
      await mkdir(inbox, { recursive: true });
      const lines = ['id,amount,note', ...[...snapshot].map(([id, record]) => `${id},${record.amount},${record.note}`)];
      await writeFile(path.join(inbox, `mart-${String(k).padStart(3, '0')}.csv`), `${lines.join('\n')}\n`);
    },
    close: async () => {
      await world.gateway.close();
      await proxy.close();
      if (options.mongo === undefined) await mongo.drop();
      if (options.db === undefined) await db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  proxy.target = world.gateway.url;
  return world;
}

const runRow = z.object({ run_id: z.string(), kind: z.string(), dataset: z.string(), status: z.string(), error: z.unknown() });

/** Every run that is not skipped, oldest first. */
export const runsOf = (db: TestDatabase) => db.pool.any(sql.type(runRow)`SELECT run_id, kind, dataset, status, error FROM platform.runs WHERE status <> 'skipped' ORDER BY created_at`);

/**
 * Waits until no run is active: drains the gateway's queue and calls the reconcile tick (as its cron would),
 * which retries failed attempts and re-sends lost ones. Throws after `timeoutMs`.
 */
export async function settle(world: FaultWorld, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await world.gateway.idle();
    const active = (await runsOf(world.db)).filter((run) => run.status === 'running' || run.status === 'pending');
    if (active.length === 0) return;
    if (Date.now() > deadline) throw new Error(`runs still active: ${JSON.stringify(active)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await fetch(`${world.gateway.url}/function/orchestrator/tick`, { method: 'POST' }).catch(() => undefined);
  }
}

/**
 * Waits until `step` of some run matching `runFilter` is at work (`running` in platform.run_steps), polling
 * every 15 ms; resolves to that run id, or undefined when `timeoutMs` passes first.
 */
export async function waitForStepAtWork(db: TestDatabase, step: string, kind: 'dataset' | 'gold', timeoutMs = 60_000): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await db.pool.maybeOneFirst(sql.type(z.object({ run_id: z.string() }))`
      SELECT s.run_id FROM platform.run_steps s JOIN platform.runs r USING (run_id)
      WHERE s.step = ${step} AND s.status = 'running' AND r.kind = ${kind} AND r.status = 'running' LIMIT 1`);
    if (found !== null) return found;
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  return undefined;
}
