/**
 * Fault injection on the real stack (orchestrator, files, bronze, silver and gold through the local gateway,
 * real Postgres and FerretDB): each snapshot of `mart.items` is loaded while one thing breaks — a function
 * killed with SIGKILL in the middle of its step, the orchestrator killed mid-run, the gateway restarted with
 * its queue lost, callbacks dropped, every job delivered twice. After each, the run has finished and silver
 * holds exactly the history the snapshots make (nothing lost, nothing twice, every version right), bronze holds
 * each run's records once, and the gold model counts what silver holds.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { sql } from '#platform/db/sql.ts';
import { expectedHistory, martSnapshot, runsOf, settle, silverHistory, startFaultWorld, waitForStepAtWork, type FaultWorld, type Snapshot } from '#support/faultWorld.ts';

const ROWS = 3000;
type Context = { world: FaultWorld; snapshots: Snapshot[] };
const faults = suite<Context>('fault injection');

faults.before(async (context) => {
  context.world = await startFaultWorld();
  context.snapshots = [];
});
faults.after(async ({ world }) => {
  await world.close();
});

/** Loads the next snapshot while `inject` breaks something, lets every run finish, and checks every layer. */
async function loadWith(context: Context, what: string, inject: (world: FaultWorld) => Promise<boolean>): Promise<void> {
  const { world } = context;
  const k = context.snapshots.length + 1;
  const snapshot = martSnapshot(k, ROWS);
  context.snapshots.push(snapshot);
  await world.dropSnapshot(k, snapshot);
  const started = await fetch(`${world.gateway.url}/function/orchestrator/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: 'mart', dataset: 'items' }) });
  const runId = ((await started.json()) as { runs: { run_id: string }[] }).runs[0]?.run_id;
  assert.ok(runId, `${what}: the run started`);
  assert.ok(await inject(world), `${what}: the fault was injected while the step was at work`);
  await settle(world);

  const runs = await runsOf(world.db);
  const run = runs.find((candidate) => candidate.run_id === runId);
  assert.is(run?.status, 'succeeded', `${what}: the run finished (${JSON.stringify(run?.error)})`);
  const expected = expectedHistory(context.snapshots);
  const actual = await silverHistory(world.db);
  assert.is(actual.size, expected.size, `${what}: no key lost or invented`);
  for (const [id, versions] of expected) {
    assert.equal(actual.get(id), versions, `${what}: the versions of key ${id}`);
  }
  const bronze = await world.mongo.db.collection('mart__items').countDocuments({ _run_id: runId });
  assert.is(bronze, snapshot.size, `${what}: bronze holds the run's records once`);
  const gold = runs.filter((candidate) => candidate.kind === 'gold' && candidate.dataset === 'mart_total').at(-1);
  assert.is(gold?.status, 'succeeded', `${what}: the gold model was rebuilt`);
  const items = await world.db.pool.oneFirst(sql.type(z.object({ items: z.number() }))`SELECT items::int AS items FROM gold.mart_total`);
  assert.is(items, snapshot.size, `${what}: gold counts what silver holds`);
}

/** Polls `condition` every 15 ms for at most `timeoutMs`; resolves to whether it came true. */
async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  return condition();
}

/** Kills a function's process (SIGKILL) as soon as `step` is at work. */
const killDuring = (functionName: string, step: string, kind: 'dataset' | 'gold' = 'dataset') => async (world: FaultWorld): Promise<boolean> => {
  const atWork = await waitForStepAtWork(world.db, step, kind);
  const pid = world.gateway.pidOf(functionName);
  if (atWork === undefined || pid === undefined) return false;
  process.kill(pid, 'SIGKILL');
  return true;
};

faults('files killed with SIGKILL mid-extract', (context) => loadWith(context, 'files killed', killDuring('files', 'extract')));
faults('bronze killed with SIGKILL mid-load', (context) => loadWith(context, 'bronze killed', killDuring('bronze', 'bronze')));
faults('silver killed with SIGKILL mid-merge', (context) => loadWith(context, 'silver killed', killDuring('silver', 'silver')));
faults('gold killed with SIGKILL mid-build', (context) => loadWith(context, 'gold killed', killDuring('gold', 'gold', 'gold')));
faults('the orchestrator killed with SIGKILL mid-run', (context) => loadWith(context, 'orchestrator killed', killDuring('orchestrator', 'bronze')));

faults('the local gateway restarted mid-run: its queue and callbacks are lost, the tick re-sends', (context) =>
  loadWith(context, 'gateway restarted', async (world) => {
    const atWork = await waitForStepAtWork(world.db, 'bronze', 'dataset');
    if (atWork === undefined) return false;
    await world.restartGateway();
    return true;
  }));

faults('callbacks dropped: the tick acts on what the steps recorded', (context) =>
  loadWith(context, 'callbacks dropped', async (world) => {
    let dropped = 0;
    world.proxy.dropCallback = () => {
      dropped += 1;
      return dropped <= 3;
    };
    // The first dropped callback stalls the run until a tick (settle calls it), so wait for that drop, not for a
    // later step: one that cannot start before the tick (waiting for it only spent its 60 s timeout).
    return waitFor(() => dropped >= 1);
  }).finally(() => {
    context.world.proxy.dropCallback = undefined;
  }));

faults('every job delivered twice (a NATS redelivery): each chunk works once', (context) =>
  loadWith(context, 'jobs delivered twice', async (world) => {
    world.proxy.deliverTwice = true;
    return true;
  }).finally(() => {
    context.world.proxy.deliverTwice = false;
  }));

faults.run();
