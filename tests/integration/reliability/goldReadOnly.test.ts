/**
 * Gold cannot write: a model is one SELECT, checked by Postgres' own parser (libpg-query) when the metadata
 * is validated and again when the model is built, and the SELECT runs in a READ ONLY transaction, so not
 * even a function that writes can change silver through a model. On a real Postgres.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { buildGoldModel } from '#gold/buildGoldModel.ts';
import { describeModelSql } from '#metadata/describeModelSql.ts';
import { goldModelSchema } from '#metadata/schema.ts';
import { sql } from '#platform/db/sql.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';

const readOnly = suite<{ db: TestDatabase }>('gold is read-only');
const model = goldModelSchema.parse({ name: 'spend', sql: 'gold/spend.sql', depends_on: ['bank.accounts'] });

readOnly.before(async (context) => {
  context.db = await createTestDatabase();
  await context.db.pool.query(sql.unsafe`CREATE TABLE silver.bank__accounts (id int, balance numeric, _is_current boolean, _is_deleted boolean)`);
  await context.db.pool.query(sql.unsafe`INSERT INTO silver.bank__accounts VALUES (1, 10, true, false), (2, 20, true, false), (3, 30, true, false)`);
  // A function that writes, as someone might have created in the database: a model can call it, but not write through it.
  await context.db.pool.query(sql.unsafe`CREATE FUNCTION public.wipe_accounts() RETURNS bigint LANGUAGE sql AS 'WITH d AS (DELETE FROM silver.bank__accounts RETURNING 1) SELECT count(*) FROM d'`);
  await context.db.pool.query(sql.unsafe`CREATE SEQUENCE public.counter`);
});
readOnly.after(async ({ db }) => {
  await db.drop();
});

const accounts = (db: TestDatabase) => db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM silver.bank__accounts`);

const writers: [string, string, RegExp][] = [
  ['a data-modifying CTE', 'WITH d AS (DELETE FROM silver.bank__accounts RETURNING *) SELECT count(*) FROM d', /DELETE/],
  ['an UPDATE in a CTE', 'WITH u AS (UPDATE silver.bank__accounts SET balance = 0 RETURNING 1) SELECT count(*) FROM u', /UPDATE/],
  ['an INSERT in a nested CTE', 'SELECT * FROM (WITH i AS (INSERT INTO silver.bank__accounts VALUES (9, 9, true, false) RETURNING 1) SELECT count(*) FROM i) x', /INSERT/],
  ['SELECT … INTO', 'SELECT * INTO public.copy FROM silver.bank__accounts', /INTO/],
  ['a row lock', 'SELECT * FROM silver.bank__accounts FOR UPDATE', /FOR UPDATE/],
  ['two statements', 'SELECT 1; DELETE FROM silver.bank__accounts', /more than one statement/],
  ['a statement that is not a query', 'DELETE FROM silver.bank__accounts', /DELETE/],
  ['a comment hiding nothing, then TRUNCATE', '/* SELECT */ TRUNCATE silver.bank__accounts', /TRUNCATE/],
];

for (const [what, text, words] of writers) {
  readOnly(`${what} is refused by the metadata check and by the build, and silver keeps its rows`, async ({ db }) => {
    const facts = describeModelSql(text);
    assert.ok(facts.problem !== undefined, `validation refuses ${what}`);
    assert.match(facts.problem ?? '', words);
    try {
      await buildGoldModel(db.pool, model, text);
      assert.unreachable('the build refuses it');
    } catch (error) {
      assert.is((error as { code?: string }).code, 'gold.model_not_a_query');
    }
    assert.is(await accounts(db), 3);
  });
}

readOnly('a SELECT that writes through a function fails in its READ ONLY transaction; silver and the previous gold table stay', async ({ db }) => {
  await buildGoldModel(db.pool, model, 'SELECT id, balance FROM silver.bank__accounts');
  for (const text of ['SELECT public.wipe_accounts() AS wiped', "SELECT nextval('public.counter') AS n", "SELECT setval('public.counter', 100) AS n"]) {
    assert.is(describeModelSql(text).problem, undefined, 'a plain SELECT passes the parser');
    try {
      await buildGoldModel(db.pool, model, text);
      assert.unreachable(`${text} must not run`);
    } catch (error) {
      assert.is((error as { code?: string }).code, 'gold.model_failed');
      assert.match((error as Error).message, 'read-only transaction');
    }
  }
  assert.is(await accounts(db), 3);
  const gold = await db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM gold.spend`);
  assert.is(gold, 3, 'the previous gold table is kept');
});

readOnly('the parser reads what a model depends on, ignoring names in strings, comments and CTEs', () => {
  const facts = describeModelSql(`
    WITH silver_like AS (SELECT 1 AS x) -- silver.not__this
    SELECT 'silver.nor__this', a.id FROM silver.bank__accounts a JOIN gold."monthly" m ON true, silver_like`);
  assert.is(facts.problem, undefined);
  assert.equal([...facts.reads].sort(), ['bank.accounts', 'gold.monthly']);
  const broken = describeModelSql('SELEC 1');
  assert.match(broken.problem ?? '', 'syntax error at or near "SELEC"');
});

readOnly.run();
