import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { DatabaseError, translateDatabaseError } from '#platform/db/translateDatabaseError.ts';
import { sql } from '#platform/db/sql.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';

const pool = suite<{ db: TestDatabase }>('createPool');

pool.before(async (context) => {
  context.db = await createTestDatabase();
});

pool.after(async (context) => {
  await context.db.drop();
});

pool('rows of sql.type queries are parsed by their zod schema (transforms apply)', async ({ db }) => {
  const row = await db.pool.one(sql.type(z.object({ id: z.number(), name: z.string().transform((value) => value.toUpperCase()) }))`SELECT 1 AS id, 'ada' AS name`);
  assert.equal(row, { id: 1, name: 'ADA' });
});

pool('a row that does not match its schema is a db.result_invalid error naming the field', async ({ db }) => {
  try {
    await db.pool.one(sql.type(z.object({ id: z.string() }))`SELECT 1 AS id`);
    assert.unreachable('the row should be rejected');
  } catch (error) {
    assert.instance(error, DatabaseError);
    assert.is((error as DatabaseError).code, 'db.result_invalid');
    assert.match((error as Error).message, /id:/);
  }
});

pool('type parsers: int8 → bigint, numeric → exact string, date → YYYY-MM-DD, timestamptz → Date', async ({ db }) => {
  const row = await db.pool.one(sql.type(z.object({ big: z.bigint(), amount: z.string(), day: z.string(), at: z.date() }))`
    SELECT 9007199254740993::int8 AS big, 12345678901234567890.12::numeric AS amount,
           '2026-01-31'::date AS day, '2026-01-31T10:00:00Z'::timestamptz AS at`);
  assert.is(row.big, 9007199254740993n);
  assert.is(row.amount, '12345678901234567890.12');
  assert.is(row.day, '2026-01-31');
  assert.instance(row.at, Date);
  assert.is(row.at.toISOString(), '2026-01-31T10:00:00.000Z');
});

pool('pg errors are translated once, with a stable code and the constraint', async ({ db }) => {
  await db.pool.query(sql.unsafe`CREATE TABLE platform.t (id int PRIMARY KEY)`);
  await db.pool.query(sql.unsafe`INSERT INTO platform.t VALUES (1)`);
  try {
    await db.pool.query(sql.unsafe`INSERT INTO platform.t VALUES (1)`);
    assert.unreachable('duplicate key should fail');
  } catch (error) {
    assert.instance(error, DatabaseError);
    assert.is((error as DatabaseError).code, 'db.unique_violation');
    assert.is((error as DatabaseError).retryable, false);
    assert.is((error as DatabaseError).context.constraint, 't_pkey');
  }
  try {
    await db.pool.query(sql.unsafe`SELECT * FROM platform.missing_table`);
    assert.unreachable('unknown table should fail');
  } catch (error) {
    assert.is((error as DatabaseError).code, 'db.sqlstate_42p01');
  }
});

pool('a lock timeout and a lost connection are retryable; a query error is not', async ({ db }) => {
  await db.pool.query(sql.unsafe`CREATE TABLE platform.locked (id int)`);
  // another session holds the table's lock while this one waits at most 50 ms for it
  await db.pool.transaction(async (holder) => {
    await holder.query(sql.unsafe`LOCK TABLE platform.locked IN ACCESS EXCLUSIVE MODE`);
    try {
      await db.pool.transaction(async (waiter) => {
        await waiter.query(sql.unsafe`SET LOCAL lock_timeout = '50ms'`);
        await waiter.query(sql.unsafe`SELECT * FROM platform.locked`);
      });
      assert.unreachable('the lock wait should time out');
    } catch (error) {
      assert.is((error as DatabaseError).context.sqlState, '55P03');
      assert.is((error as DatabaseError).retryable, true, 'a lock timeout: a new attempt can succeed');
    }
  });
  // the server ends this session, as when Postgres restarts under a step
  try {
    await db.pool.connect(async (connection) => connection.query(sql.unsafe`SELECT pg_terminate_backend(pg_backend_pid())`));
    assert.unreachable('the session should be gone');
  } catch (error) {
    assert.is((error as DatabaseError).retryable, true, `a lost connection: ${(error as DatabaseError).code}`);
  }
  assert.is(await db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT 1 AS n`), 1, 'the pool goes on with a new connection');
  try {
    await db.pool.query(sql.unsafe`SELECT 1/0`);
    assert.unreachable('division by zero');
  } catch (error) {
    assert.is((error as DatabaseError).retryable, false);
  }
});

pool('row-count errors of one()/many() translate to their own codes', async ({ db }) => {
  try {
    await db.pool.one(sql.unsafe`SELECT 1 WHERE false`);
    assert.unreachable('one() on zero rows should fail');
  } catch (error) {
    assert.is(translateDatabaseError(error).code, 'db.no_rows');
  }
  try {
    await db.pool.one(sql.unsafe`SELECT generate_series(1, 2)`);
    assert.unreachable('one() on two rows should fail');
  } catch (error) {
    assert.is(translateDatabaseError(error).code, 'db.unexpected_row_count');
  }
  assert.is(await db.pool.maybeOne(sql.unsafe`SELECT 1 WHERE false`), null);
});

pool('a transaction that throws leaves nothing behind', async ({ db }) => {
  await db.pool.query(sql.unsafe`CREATE TABLE platform.tx (id int)`);
  await db.pool
    .transaction(async (tx) => {
      await tx.query(sql.unsafe`INSERT INTO platform.tx VALUES (1)`);
      throw new Error('abort');
    })
    .catch(() => undefined);
  assert.is(await db.pool.oneFirst(sql.type(z.object({ n: z.bigint() }))`SELECT count(*) AS n FROM platform.tx`), 0n);
});

pool.run();
