import { cp, mkdtemp, rm, appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { migrateDatabase, migrationsDirectory } from '#platform/db/migrate.ts';
import { sql } from '#platform/db/sql.ts';
import { ConflictError } from '#platform/errors.ts';
import { createTestDatabase } from '#support/database.ts';

const migrations = suite('migrateDatabase');

const schemas = sql.type(z.object({ name: z.string() }))`
  SELECT nspname AS name FROM pg_namespace WHERE nspname IN ('platform', 'silver', 'gold') ORDER BY nspname`;

migrations('applies every migration once, creating the platform, silver and gold schemas; a second run changes nothing', async () => {
  const db = await createTestDatabase({ migrate: false });
  try {
    const first = await migrateDatabase({ url: db.url });
    assert.ok(first.applied.length >= 1);
    assert.is(first.applied[0], '0001_create_schemas.sql');
    assert.equal(await db.pool.manyFirst(schemas), ['gold', 'platform', 'silver']);

    const countRecorded = sql.type(z.object({ n: z.bigint() }))`SELECT count(*) AS n FROM public.migrations`;
    const recordedBefore = await db.pool.oneFirst(countRecorded);
    const second = await migrateDatabase({ url: db.url });
    assert.equal(second.applied, []);
    assert.is(await db.pool.oneFirst(countRecorded), recordedBefore);
  } finally {
    await db.drop();
  }
});

migrations('an edited migration that already landed is refused with the file name and the fix', async () => {
  const db = await createTestDatabase({ migrate: false });
  const directory = await mkdtemp(path.join(os.tmpdir(), 'dp-migrations-'));
  try {
    await cp(migrationsDirectory, directory, { recursive: true });
    await migrateDatabase({ url: db.url, directory });
    await appendFile(path.join(directory, '0001_create_schemas.sql'), '\nCREATE SCHEMA IF NOT EXISTS sneaky;\n');
    try {
      await migrateDatabase({ url: db.url, directory });
      assert.unreachable('the edited migration should be refused');
    } catch (error) {
      assert.instance(error, ConflictError);
      assert.is((error as ConflictError).code, 'migration.edited');
      assert.match((error as Error).message, '0001_create_schemas.sql changed after it was applied');
      assert.match((error as Error).message, 'new migration');
    }
    const sneaky = await db.pool.maybeOneFirst(sql.type(z.object({ n: z.string() }))`SELECT nspname AS n FROM pg_namespace WHERE nspname = 'sneaky'`);
    assert.is(sneaky, null);
  } finally {
    await rm(directory, { recursive: true, force: true });
    await db.drop();
  }
});

migrations('a failing migration is rolled back whole and reported', async () => {
  const db = await createTestDatabase({ migrate: false });
  const directory = await mkdtemp(path.join(os.tmpdir(), 'dp-migrations-'));
  try {
    await cp(migrationsDirectory, directory, { recursive: true });
    const { readdir, writeFile } = await import('node:fs/promises');
    const next = String((await readdir(directory)).filter((name) => name.endsWith('.sql')).length + 1).padStart(4, '0');
    await writeFile(path.join(directory, `${next}_broken.sql`), 'CREATE TABLE platform.half_done (id int);\nSELECT no_such_function();\n');
    try {
      await migrateDatabase({ url: db.url, directory });
      assert.unreachable('the broken migration should fail');
    } catch (error) {
      assert.is((error as { code?: string }).code, 'migration.failed');
      assert.match((error as Error).message, 'broken');
      assert.match((error as Error).message, 'no_such_function');
    }
    const table = await db.pool.oneFirst(sql.type(z.object({ t: z.string().nullable() }))`SELECT to_regclass('platform.half_done')::text AS t`);
    assert.is(table, null);
  } finally {
    await rm(directory, { recursive: true, force: true });
    await db.drop();
  }
});

migrations.run();
