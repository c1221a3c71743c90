import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { sql } from '#platform/db/sql.ts';
import { ValidationError } from '#platform/errors.ts';
import { commitCursor } from '#pipeline/cursor/commitCursor.ts';
import { readCursor } from '#pipeline/cursor/readCursor.ts';
import { resetCursor } from '#pipeline/cursor/resetCursor.ts';
import { stagePendingCursor } from '#pipeline/cursor/stagePendingCursor.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';

const state = suite<{ db: TestDatabase }>('dataset cursor state');
const dataset = { source: 'ynab', dataset: 'transactions' };

state.before(async (context) => {
  context.db = await createTestDatabase();
});
state.after(async ({ db }) => {
  await db.drop();
});

async function createRun(db: TestDatabase, runId: string): Promise<void> {
  await db.pool.query(sql.type(z.object({}))`
    INSERT INTO platform.runs (run_id, kind, source, dataset, load, trigger_kind, status)
    VALUES (${runId}, 'dataset', ${dataset.source}, ${dataset.dataset}, 'delta', 'manual', 'succeeded')`);
}

state('a staged cursor is invisible until commitCursor runs for that run', async ({ db }) => {
  await createRun(db, 'run-a');
  assert.is(await readCursor(db.pool, dataset), null);
  await stagePendingCursor(db.pool, { runId: 'run-a', ...dataset }, { budgets: { b1: 10 } });
  await stagePendingCursor(db.pool, { runId: 'run-a', ...dataset }, { budgets: { b1: 12 } });
  assert.is(await readCursor(db.pool, dataset), null);

  const result = await db.pool.transaction((tx) => commitCursor(tx, 'run-a'));
  assert.equal(result, { cursorCommitted: true, filesCommitted: 0 });
  const committed = await readCursor(db.pool, dataset);
  assert.equal(committed?.cursor, { budgets: { b1: 12 } });
  assert.is(committed?.committedRunId, 'run-a');

  assert.equal(await db.pool.transaction((tx) => commitCursor(tx, 'run-a')), { cursorCommitted: false, filesCommitted: 0 });
  assert.equal((await readCursor(db.pool, dataset))?.cursor, { budgets: { b1: 12 } });
});

state('when the silver transaction rolls back, the cursor stays where it was', async ({ db }) => {
  await createRun(db, 'run-b');
  await stagePendingCursor(db.pool, { runId: 'run-b', ...dataset }, { budgets: { b1: 20 } });
  try {
    await db.pool.transaction(async (tx) => {
      await commitCursor(tx, 'run-b');
      throw new Error('silver merge failed after the cursor statement');
    });
  } catch {
    // expected
  }
  assert.equal((await readCursor(db.pool, dataset))?.cursor, { budgets: { b1: 12 } });
  // the staged cursor survives for a retry of the silver step
  assert.equal(await db.pool.transaction((tx) => commitCursor(tx, 'run-b')), { cursorCommitted: true, filesCommitted: 0 });
  assert.equal((await readCursor(db.pool, dataset))?.cursor, { budgets: { b1: 20 } });
});

state('a cursor that is not plain JSON is refused before it is stored', async ({ db }) => {
  await createRun(db, 'run-c');
  try {
    await stagePendingCursor(db.pool, { runId: 'run-c', ...dataset }, { knowledge: 12n });
    assert.unreachable('bigint is not JSON');
  } catch (error) {
    assert.instance(error, ValidationError);
    assert.match((error as Error).message, '$.knowledge is a bigint');
    assert.match((error as Error).message, 'run-c');
  }
});

state('resetCursor forgets the committed cursor for a full re-extraction', async ({ db }) => {
  assert.ok(await resetCursor(db.pool, dataset));
  assert.is(await readCursor(db.pool, dataset), null);
  assert.not.ok(await resetCursor(db.pool, dataset));
});

state.run();
