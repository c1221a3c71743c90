/**
 * Fault injection on the stores: the stack runs on its own throwaway Postgres cluster and its own FerretDB
 * (whose documents live in that cluster), started by this test on free ports with their own data folders —
 * never the shared servers other tests use — and each is restarted while a step is at work on it. The runs finish, and silver holds exactly the history
 * the snapshots make.
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { createPool } from '#platform/db/createPool.ts';
import { migrateDatabase } from '#platform/db/migrate.ts';
import { getEnv } from '#platform/env.ts';
import { createLogger } from '#platform/log.ts';
import { createMongoClient } from '#platform/mongo/createMongoClient.ts';
import { buildGoLauncher } from '#tools/services/buildGoLauncher.ts';
import { startLocalFerretdb, stopLocalFerretdb } from '#tools/services/ferretdbServer.ts';
import { ensureDatabaseExists, startLocalPostgres, stopLocalPostgres } from '#tools/services/postgresServer.ts';
import type { TestDatabase, TestMongo } from '#support/database.ts';
import { expectedHistory, martSnapshot, runsOf, settle, silverHistory, startFaultWorld, waitForStepAtWork, type FaultWorld, type Snapshot } from '#support/faultWorld.ts';
import { freePort } from '#support/freePort.ts';

const ROWS = 3000;
const log = createLogger({ level: 'error', sink: () => undefined });
type Context = { world: FaultWorld; snapshots: Snapshot[]; pgDir: string; pgPort: number; databaseUrl: string; mongoDir: string; mongoPort: number; mongoUrl: string };
const restarts = suite<Context>('store restarts');

restarts.before(async (context) => {
  context.pgDir = await mkdtemp(path.join(os.tmpdir(), 'dp-own-pg-'));
  context.mongoDir = await mkdtemp(path.join(os.tmpdir(), 'dp-own-ferretdb-'));
  context.pgPort = await freePort();
  context.mongoPort = await freePort();
  await startLocalPostgres({ dataDir: context.pgDir, port: context.pgPort, log });
  // the project's FerretDB launcher, built once into its data folder, run from this test's own folder
  const binary = await buildGoLauncher('ferretdb', getEnv().dataDir, log);
  await mkdir(path.join(context.mongoDir, 'bin'), { recursive: true });
  await copyFile(binary, path.join(context.mongoDir, 'bin', 'ferretdb'));
  await copyFile(`${binary}.source`, path.join(context.mongoDir, 'bin', 'ferretdb.source'));
  const url = `postgres://postgres@127.0.0.1:${context.pgPort}/dp_restarts`;
  await ensureDatabaseExists(url);
  context.mongoUrl = `mongodb://postgres@127.0.0.1:${context.mongoPort}/dp_restarts?authMechanism=PLAIN`;
  context.databaseUrl = url;
  await startLocalFerretdb({ dataDir: context.mongoDir, port: context.mongoPort, databaseUrl: url, mongodbUrl: context.mongoUrl, log });
  await migrateDatabase({ url });
  const pool = await createPool({ url });
  const db: TestDatabase = { url, name: 'dp_restarts', pool, drop: () => pool.end() };
  const client = await createMongoClient({ url: context.mongoUrl });
  const mongo: TestMongo = { url: context.mongoUrl, client, db: client.db('dp_restarts'), drop: () => client.close() };
  context.world = await startFaultWorld({ db, mongo });
  context.snapshots = [];
});

restarts.after(async (context) => {
  await context.world?.close();
  await context.world?.db.drop();
  await context.world?.mongo.drop();
  await stopLocalFerretdb(context.mongoDir).catch(() => false);
  await stopLocalPostgres(context.pgDir).catch(() => false);
  await rm(context.mongoDir, { recursive: true, force: true });
  await rm(context.pgDir, { recursive: true, force: true });
});

/**
 * Waits until `step` is at work, calling the reconcile tick every 10 s as its cron would: after the previous
 * test's restart, a function's first attempt may fail on a connection the restart ended, and only the tick
 * sends that attempt again.
 */
async function waitUntilAtWork(world: FaultWorld, step: string): Promise<boolean> {
  for (let round = 0; round < 15; round += 1) {
    if ((await waitForStepAtWork(world.db, step, 'dataset', 10_000)) !== undefined) return true;
    await fetch(`${world.gateway.url}/function/orchestrator/tick`, { method: 'POST' }).catch(() => undefined);
  }
  return false;
}

/** Loads the next snapshot, restarting a store while `step` is at work; then every run finishes and silver is right. */
async function loadWhileRestarting(context: Context, what: string, step: string, restart: () => Promise<void>): Promise<void> {
  const { world } = context;
  const k = context.snapshots.length + 1;
  const snapshot = martSnapshot(k, ROWS);
  context.snapshots.push(snapshot);
  await world.dropSnapshot(k, snapshot);
  const started = await fetch(`${world.gateway.url}/function/orchestrator/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: 'mart', dataset: 'items' }) });
  const runId = ((await started.json()) as { runs: { run_id: string }[] }).runs[0]?.run_id;
  assert.ok(runId, `${what}: the run started`);
  assert.ok(await waitUntilAtWork(world, step), `${what}: ${step} was at work`);
  await restart();
  await settle(world, 240_000);
  const run = (await runsOf(world.db)).find((candidate) => candidate.run_id === runId);
  assert.is(run?.status, 'succeeded', `${what}: the run finished (${JSON.stringify(run?.error)})`);
  const expected = expectedHistory(context.snapshots);
  const actual = await silverHistory(world.db);
  assert.is(actual.size, expected.size, `${what}: no key lost or invented`);
  for (const [id, versions] of expected) assert.equal(actual.get(id), versions, `${what}: the versions of key ${id}`);
  assert.is(await world.mongo.db.collection('mart__items').countDocuments({ _run_id: runId }), snapshot.size, `${what}: bronze holds the run's records once`);
}

restarts('the MongoDB-wire server restarted while bronze loads', (context) =>
  loadWhileRestarting(context, 'FerretDB restarted', 'bronze', async () => {
    await stopLocalFerretdb(context.mongoDir);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await startLocalFerretdb({ dataDir: context.mongoDir, port: context.mongoPort, databaseUrl: context.databaseUrl, mongodbUrl: context.mongoUrl, log });
  }));

restarts('Postgres restarted while silver merges', (context) =>
  loadWhileRestarting(context, 'Postgres restarted', 'silver', async () => {
    await stopLocalPostgres(context.pgDir);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await startLocalPostgres({ dataDir: context.pgDir, port: context.pgPort, log });
  }));

restarts('Postgres restarted while extract writes raw parts', (context) =>
  loadWhileRestarting(context, 'Postgres restarted mid-extract', 'extract', async () => {
    await stopLocalPostgres(context.pgDir);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await startLocalPostgres({ dataDir: context.pgDir, port: context.pgPort, log });
  }));

restarts.run();
