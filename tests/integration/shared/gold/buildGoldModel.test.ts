import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { sql } from '#platform/db/sql.ts';
import { PlatformError } from '#platform/errors.ts';
import { buildGoldModel } from '#gold/buildGoldModel.ts';
import { goldModelSchema } from '#metadata/schema.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';

const monthly = goldModelSchema.parse({ name: 'monthly_spend', sql: 'gold/monthly_spend.sql', depends_on: ['bank.payments'] });
const MONTHLY_SQL = `
  SELECT date_trunc('month', booked_on)::date AS month, sum(amount) AS spent
  FROM silver.bank__payments
  WHERE _is_current AND NOT _is_deleted
  GROUP BY 1
  ORDER BY 1;`;

const rowSchema = z.object({ month: z.string(), spent: z.string() });

const gold = suite<{ db: TestDatabase }>('buildGoldModel');

gold.before(async (context) => {
  context.db = await createTestDatabase();
  await context.db.pool.query(sql.unsafe`
    CREATE TABLE silver.bank__payments (booked_on date, amount numeric, _is_current boolean, _is_deleted boolean)`);
  await context.db.pool.query(sql.unsafe`
    INSERT INTO silver.bank__payments VALUES ('2026-01-05', 10, true, false), ('2026-01-20', 5, true, false), ('2026-02-01', 7, true, false), ('2026-02-02', 100, false, false)`);
});
gold.after(async (context) => {
  await context.db.drop();
});

const monthlyRows = (db: TestDatabase) => db.pool.any(sql.type(rowSchema)`SELECT month, spent FROM gold.monthly_spend ORDER BY month`);

gold('builds gold.<model> from the SELECT and reports its row count', async ({ db }) => {
  const result = await buildGoldModel(db.pool, monthly, MONTHLY_SQL);
  assert.equal([result.model, result.table, result.rows], ['monthly_spend', 'gold.monthly_spend', 2]);
  assert.equal(await monthlyRows(db), [
    { month: '2026-01-01', spent: '15' },
    { month: '2026-02-01', spent: '7' },
  ]);
});

gold('a rebuild swaps the new table in atomically: readers see the old rows until it commits, then the new ones', async ({ db }) => {
  await db.pool.query(sql.unsafe`INSERT INTO silver.bank__payments VALUES ('2026-03-01', 1, true, false)`);
  // The rebuild takes a while (pg_sleep), and a reader on another connection asks meanwhile.
  const slowSql = `SELECT m.* FROM (${MONTHLY_SQL.replace(';', '')}) m, (SELECT pg_sleep(0.6)) pause`;
  const building = buildGoldModel(db.pool, monthly, slowSql);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal((await monthlyRows(db)).length, 2);
  const result = await building;
  assert.is(result.rows, 3);
  assert.equal((await monthlyRows(db)).at(-1), { month: '2026-03-01', spent: '1' });
});

gold('a failing model keeps the previous table and raises an error naming the model and the SQL error', async ({ db }) => {
  const before = await monthlyRows(db);
  try {
    await buildGoldModel(db.pool, monthly, 'SELECT month_of(booked_on) FROM silver.bank__payments');
    assert.unreachable('the model should fail');
  } catch (error) {
    assert.instance(error, PlatformError);
    assert.is((error as PlatformError).code, 'gold.model_failed');
    assert.is((error as PlatformError).context.model, 'monthly_spend');
    assert.match((error as Error).message, /Gold model `monthly_spend` \(gold\/monthly_spend\.sql\) failed/);
    assert.match((error as Error).message, /function month_of\(date\) does not exist/);
  }
  assert.equal(await monthlyRows(db), before);
  const leftovers = await db.pool.anyFirst(sql.type(z.object({ name: z.string() }))`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'gold'`);
  assert.equal(leftovers, ['monthly_spend']);
});

gold('a model that outgrows the time left in its step is cancelled and reported as too slow, the previous table kept', async ({ db }) => {
  const before = await monthlyRows(db);
  try {
    await buildGoldModel(db.pool, monthly, `${MONTHLY_SQL.trim().replace(/;$/, '')} LIMIT (SELECT count(*) FROM pg_sleep(2))`, { timeoutMs: 300 });
    assert.unreachable('the model should be cancelled');
  } catch (error) {
    assert.instance(error, PlatformError);
    assert.is((error as PlatformError).code, 'gold.model_too_slow');
    assert.is((error as PlatformError).retryable, false, 'a model cannot continue in a next invocation: retrying fails the same way');
    assert.match((error as Error).message, /Gold model `monthly_spend` \(gold\/monthly_spend\.sql\) did not finish within the 0 s left of its step budget/);
  }
  assert.equal(await monthlyRows(db), before);
});

gold('an empty model and a second statement are refused', async ({ db }) => {
  try {
    await buildGoldModel(db.pool, monthly, '  ;  ');
    assert.unreachable('an empty model should fail');
  } catch (error) {
    assert.is((error as PlatformError).code, 'gold.model_empty');
  }
  try {
    await buildGoldModel(db.pool, monthly, 'SELECT 1 AS one; DROP TABLE silver.bank__payments');
    assert.unreachable('two statements should fail');
  } catch (error) {
    assert.is((error as PlatformError).code, 'gold.model_not_a_query', 'refused by the parser before anything runs');
  }
  const exists = await db.pool.oneFirst(sql.type(z.object({ present: z.boolean() }))`SELECT to_regclass('silver.bank__payments') IS NOT NULL AS present`);
  assert.is(exists, true);
});

gold.run();
