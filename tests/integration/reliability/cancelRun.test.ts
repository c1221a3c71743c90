/**
 * `dp cancel <run>` / `POST /runs/<id>/cancel`: a run can be stopped by hand. It ends `failed` with
 * `run.cancelled`, its dataset is free at once, chunks of it still waiting in the queue refuse to work (so
 * the one-job queue is not held), a late callback changes nothing, and a silver merge in flight does not commit.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { runStepOnce } from '#pipeline/runStepOnce.ts';
import { sql } from '#platform/db/sql.ts';
import { createLogger } from '#platform/log.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';
import { callbackFor, createHarness, syncFixtureMetadata, type Harness } from '#support/orchestratorHarness.ts';
import { FIXTURE_METADATA } from '../shared/orchestrator/fixtureMetadata.ts';

type Context = { db: TestDatabase; h: Harness };
const cancel = suite<Context>('cancel a run');

cancel.before(async (context) => {
  context.db = await createTestDatabase();
  await syncFixtureMetadata(context.db.pool, FIXTURE_METADATA);
  context.h = createHarness(context.db.pool);
});
cancel.after(async ({ db }) => {
  await db.drop();
});

const runOf = (db: TestDatabase, runId: string) => db.pool.one(sql.type(z.object({ status: z.string(), error: z.object({ code: z.string(), message: z.string() }).passthrough().nullable() }))`
  SELECT status, error FROM platform.runs WHERE run_id = ${runId}`);

cancel('a cancelled run ends failed with run.cancelled; its queued chunk refuses to work; its callback is ignored; the dataset is free', async ({ db, h }) => {
  await h.orchestrator.startRuns({ source: 'shop', dataset: 'orders', full: false, trigger: 'manual' });
  const [extract] = h.dispatcher.take();
  assert.ok(extract);
  const reply = await h.orchestrator.cancelRun(extract.target.runId);
  assert.is(reply.status, 200);
  assert.equal((reply.body as { outcome: string }).outcome, 'cancelled');
  const run = await runOf(db, extract.target.runId);
  assert.is(run.status, 'failed');
  assert.is(run.error?.code, 'run.cancelled');
  assert.match(run.error?.message ?? '', 'cancelled by hand');

  let worked = false;
  try {
    await runStepOnce({ pool: db.pool, request: extract.request, step: 'extract', runner: async () => ((worked = true), { status: 'done', unchanged: false, counts: { read: 0, inserted: 0, updated: 0, closed: 0, deleted: 0, rejected: 0, unchanged: 0 }, detail: {} }), resources: {}, budgetMs: 10_000, log: createLogger({ level: 'error', sink: () => undefined }) });
    assert.unreachable('a chunk of a cancelled run must not work');
  } catch (error) {
    assert.is((error as { code?: string }).code, 'run.not_running');
  }
  assert.is(worked, false);
  const late = await h.orchestrator.handleCallback(callbackFor(extract, { status: 'done', counts: { read: 3 } }));
  assert.is((late.body as { outcome: string }).outcome, 'ignored');
  assert.equal(h.dispatcher.take(), []);

  const again = await h.orchestrator.startRuns({ source: 'shop', dataset: 'orders', full: false, trigger: 'manual' });
  assert.is((again.body as { runs: unknown[] }).runs.length, 1, 'the dataset is free at once');
});

cancel('cancelling a run that already ended is 409 run.not_active; an unknown run is 404', async ({ h }) => {
  const started = await h.orchestrator.startRuns({ source: 'shop', dataset: 'customers', full: false, trigger: 'manual' });
  const runId = (started.body as { runs: { run_id: string }[] }).runs[0]!.run_id;
  await h.orchestrator.cancelRun(runId);
  for (const [id, code, status] of [[runId, 'run.not_active', 409], ['20260101T000000Z-deadbeef', 'run.not_found', 404]] as const) {
    try {
      await h.orchestrator.cancelRun(id);
      assert.unreachable(`${id} cannot be cancelled`);
    } catch (error) {
      assert.equal([(error as { code?: string }).code, (error as { status?: number }).status], [code, status]);
    }
  }
});

cancel.run();
