import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { sql } from '#platform/db/sql.ts';
import { createLayerHarness, makeDataset, type LayerHarness } from '#support/layers.ts';

// A YNAB-like delta dataset: only changed records arrive, deletions come as `deleted: true`.
const transactions = makeDataset('budget', {
  name: 'transactions',
  load: 'delta',
  key: ['id'],
  deleted_flag: 'deleted',
  columns: [
    { name: 'id', type: 'text' },
    { name: 'amount', type: 'bigint' },
    { name: 'memo', type: 'text', scd: 1 },
    { name: 'deleted', type: 'boolean' },
  ],
});

const rowSchema = z.object({ id: z.string(), amount: z.bigint().nullable(), memo: z.string().nullable(), from: z.number(), to: z.number().nullable(), current: z.boolean(), deleted: z.boolean() });

async function history(harness: LayerHarness) {
  const rows = await harness.db.pool.any(sql.type(rowSchema)`
    SELECT id, amount, memo,
           extract(day FROM _valid_from)::int - 1 AS "from", (extract(day FROM _valid_to)::int - 1) AS "to",
           _is_current AS current, _is_deleted AS deleted
    FROM silver.budget__transactions ORDER BY id, _valid_from`);
  return rows.map((row) => [row.id, row.amount === null ? null : Number(row.amount), row.memo, row.from, row.to, row.current, row.deleted]);
}

const delta = suite<{ harness: LayerHarness }>('mergeSilver: delta loads');

delta.before(async (context) => {
  context.harness = await createLayerHarness();
});
delta.after(async (context) => {
  await context.harness.drop();
});

delta('absent keys are untouched; a deleted flag makes a tombstone; a later record revives the key', async ({ harness }) => {
  await harness.runSnapshot(transactions, [
    { id: 't1', amount: -1250, memo: 'bakery', deleted: false },
    { id: 't2', amount: -4000, memo: 'fuel', deleted: false },
    { id: 't3', amount: 250000, memo: 'salary', deleted: false },
  ]);

  // Run 2 only mentions t2 (deleted) and a new t4; t1 and t3 are absent but stay as they are.
  let result = await harness.runSnapshot(transactions, [
    { id: 't2', amount: -4000, memo: 'fuel', deleted: true },
    { id: 't4', amount: -900, memo: 'coffee', deleted: false },
  ]);
  assert.equal(result.counts, { read: 2, inserted: 1, updated: 0, closed: 1, deleted: 1, rejected: 0, unchanged: 0 });
  assert.equal(await history(harness), [
    ['t1', -1250, 'bakery', 1, null, true, false],
    ['t2', -4000, 'fuel', 1, 2, false, false],
    ['t2', -4000, 'fuel', 2, null, true, true],
    ['t3', 250000, 'salary', 1, null, true, false],
    ['t4', -900, 'coffee', 2, null, true, false],
  ]);

  // Run 3: t2 deleted again changes nothing; a deletion of a key never seen is kept as a tombstone;
  // t3 changes its amount (scd2).
  result = await harness.runSnapshot(transactions, [
    { id: 't2', amount: -4000, memo: 'fuel', deleted: true },
    { id: 't9', amount: -1, memo: 'typo', deleted: true },
    { id: 't3', amount: 260000, memo: 'salary', deleted: false },
  ]);
  assert.equal(result.counts, { read: 3, inserted: 0, updated: 1, closed: 1, deleted: 1, rejected: 0, unchanged: 1 });

  // Run 4: t2 comes back with a new memo (scd1, overwritten on every version of t2).
  result = await harness.runSnapshot(transactions, [{ id: 't2', amount: -4000, memo: 'fuel (shared)', deleted: false }]);
  assert.equal(result.counts, { read: 1, inserted: 1, updated: 0, closed: 1, deleted: 0, rejected: 0, unchanged: 0 });
  assert.equal(await history(harness), [
    ['t1', -1250, 'bakery', 1, null, true, false],
    ['t2', -4000, 'fuel (shared)', 1, 2, false, false],
    ['t2', -4000, 'fuel (shared)', 2, 4, false, true],
    ['t2', -4000, 'fuel (shared)', 4, null, true, false],
    ['t3', 250000, 'salary', 1, 3, false, false],
    ['t3', 260000, 'salary', 3, null, true, false],
    ['t4', -900, 'coffee', 2, null, true, false],
    ['t9', -1, 'typo', 3, null, true, true],
  ]);
});

delta('a tombstone keeps the last known values, not the (often empty) values of the deletion record', async ({ harness }) => {
  await harness.runSnapshot(transactions, [{ id: 't1', deleted: true }]);
  const rows = await history(harness);
  assert.equal(rows.filter((row) => row[0] === 't1').at(-1), ['t1', -1250, 'bakery', 5, null, true, true]);
});

delta.run();
