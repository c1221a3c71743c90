/** The gold step through its handler: the shipped monthly_spending model over the bank demo's silver tables. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { sql } from '#platform/db/sql.ts';
import { finishTestRun } from '#support/stepRuns.ts';
import { createStepWorld, type StepWorld } from '#support/stepWorld.ts';

const gold = suite<{ world: StepWorld }>('gold step');
gold.before(async (context) => {
  context.world = await createStepWorld();
});
gold.after(async ({ world }) => world.cleanup());

const model = { source: 'gold', dataset: 'monthly_spending' };
const spendingRow = z.object({ month: z.string(), account_iban: z.string(), category: z.string(), spent: z.string().nullable(), received: z.string().nullable(), transactions: z.bigint() });

gold('a model whose upstream tables do not exist yet is refused, naming them', async ({ world }) => {
  const runId = await world.startRun({ kind: 'gold', ...model });
  const answer = await world.step(world.handlers.gold, runId, model);
  assert.is(answer.status, 400);
  assert.is(answer.error?.code, 'gold.upstream_missing');
  assert.match(answer.error?.message ?? '', /reads silver\.bank__transactions, silver\.bank__accounts, which do not exist yet/);
  await finishTestRun(world.db.pool, runId);
});

gold('builds gold.<model> from the model SQL over silver and reports its rows', async ({ world }) => {
  await world.dropBankSnapshot(1);
  await world.runDataset('bank', 'accounts', world.handlers.files);
  await world.runDataset('bank', 'transactions', world.handlers.files);
  const runId = await world.startRun({ kind: 'gold', ...model });
  const answer = await world.step(world.handlers.gold, runId, model);
  assert.is(answer.result?.status, 'done', JSON.stringify(answer.error));
  assert.is(answer.result?.detail.table, 'gold.monthly_spending');
  const rows = await world.db.pool.any(sql.type(spendingRow)`SELECT month, account_iban, category, spent::text, received::text, transactions FROM gold.monthly_spending ORDER BY 1, 2, 3`);
  assert.is(answer.result?.counts.inserted, rows.length);
  assert.ok(rows.length > 0);
  const groceries = rows.find((row) => row.category === 'groceries');
  assert.is(groceries?.month, '2026-01-01');
  const expected = await world.db.pool.oneFirst(sql.type(z.object({ spent: z.string() }))`
    SELECT sum(-amount)::text AS spent FROM silver.bank__transactions WHERE category = 'groceries' AND _is_current AND NOT _is_deleted`);
  assert.is(groceries?.spent, expected);
  await finishTestRun(world.db.pool, runId);
});

gold('a gold run names a model the metadata holds; another name is a 404', async ({ world }) => {
  const runId = await world.startRun({ kind: 'gold', source: 'gold', dataset: 'weekly_spending' });
  const answer = await world.step(world.handlers.gold, runId, { source: 'gold', dataset: 'weekly_spending' });
  assert.is(answer.status, 404);
  assert.is(answer.error?.code, 'metadata.model_not_found');
});

gold.run();
