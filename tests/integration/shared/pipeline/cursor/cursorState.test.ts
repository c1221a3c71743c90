import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { ValidationError } from '#platform/errors.ts';
import { readCursor } from '#pipeline/cursor/readCursor.ts';
import { stagePendingCursor } from '#pipeline/cursor/stagePendingCursor.ts';
import { getRun } from '#pipeline/runStore/getRun.ts';
import { insertActiveRun } from '#pipeline/runStore/insertActiveRun.ts';
import { succeedRun } from '#pipeline/succeedRun.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';

const state = suite<{ db: TestDatabase }>('dataset cursor state');
const dataset = { source: 'ynab', dataset: 'transactions' };

state.before(async (context) => {
  context.db = await createTestDatabase();
});
state.after(async ({ db }) => {
  await db.drop();
});

async function startRun(db: TestDatabase, runId: string, triggerDetail: Record<string, boolean> = {}): Promise<void> {
  assert.ok(await insertActiveRun(db.pool, { runId, kind: 'dataset', ...dataset, load: 'delta', trigger: 'manual', triggerDetail, metadataVersion: null }, new Date()));
}

const succeed = (db: TestDatabase, runId: string) => db.pool.transaction((tx) => succeedRun(tx, { run_id: runId, kind: 'dataset' }, new Date()));

state('a staged cursor is invisible until its run succeeds; succeeding again moves nothing', async ({ db }) => {
  await startRun(db, 'run-a');
  assert.is(await readCursor(db.pool, dataset), null);
  await stagePendingCursor(db.pool, { runId: 'run-a', ...dataset }, { budgets: { b1: 10 } });
  await stagePendingCursor(db.pool, { runId: 'run-a', ...dataset }, { budgets: { b1: 12 } });
  assert.is(await readCursor(db.pool, dataset), null);

  const result = await succeed(db, 'run-a');
  assert.equal(result, { cursorCommitted: true, filesCommitted: 0 });
  assert.is((await getRun(db.pool, 'run-a'))?.status, 'succeeded');
  const committed = await readCursor(db.pool, dataset);
  assert.equal(committed?.cursor, { budgets: { b1: 12 } });
  assert.is(committed?.committedRunId, 'run-a');

  assert.equal(await succeed(db, 'run-a'), { cursorCommitted: false, filesCommitted: 0 });
  assert.equal((await readCursor(db.pool, dataset))?.cursor, { budgets: { b1: 12 } });
});

state('when the transaction that ends the run rolls back, the cursor stays where it was', async ({ db }) => {
  await startRun(db, 'run-b');
  await stagePendingCursor(db.pool, { runId: 'run-b', ...dataset }, { budgets: { b1: 20 } });
  try {
    await db.pool.transaction(async (tx) => {
      await succeedRun(tx, { run_id: 'run-b', kind: 'dataset' }, new Date());
      throw new Error('the run completion failed after the cursor statement');
    });
  } catch {
    // expected
  }
  assert.equal((await readCursor(db.pool, dataset))?.cursor, { budgets: { b1: 12 } });
  assert.is((await getRun(db.pool, 'run-b'))?.status, 'running');
  // the staged cursor survives for the completion that comes next
  assert.equal(await succeed(db, 'run-b'), { cursorCommitted: true, filesCommitted: 0 });
  assert.equal((await readCursor(db.pool, dataset))?.cursor, { budgets: { b1: 20 } });
});

state('a cursor that is not plain JSON is refused before it is stored', async ({ db }) => {
  await startRun(db, 'run-c');
  try {
    await stagePendingCursor(db.pool, { runId: 'run-c', ...dataset }, { knowledge: 12n });
    assert.unreachable('bigint is not JSON');
  } catch (error) {
    assert.instance(error, ValidationError);
    assert.match((error as Error).message, '$.knowledge is a bigint');
    assert.match((error as Error).message, 'run-c');
  }
  await succeed(db, 'run-c');
});

state('a full run (dp run --full) extracts without the cursor and replaces it with the one it reached when it succeeds', async ({ db }) => {
  // The extract step reads no cursor for a full run (tests/integration/shared/extract: "a full run ignores it"); it stages what it reached.
  await startRun(db, 'run-full', { full: true });
  await stagePendingCursor(db.pool, { runId: 'run-full', ...dataset }, { budgets: { b1: 3 } });
  assert.equal((await readCursor(db.pool, dataset))?.cursor, { budgets: { b1: 20 } }, 'the old cursor stands while the full run is under way');
  await succeed(db, 'run-full');
  const committed = await readCursor(db.pool, dataset);
  assert.equal([committed?.cursor, committed?.committedRunId], [{ budgets: { b1: 3 } }, 'run-full']);
});

state.run();
