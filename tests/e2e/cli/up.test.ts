/**
 * `dp up` in its own process on throwaway databases: it migrates, syncs the shipped metadata,
 * serves stack.yml through the local gateway, and stops cleanly on Ctrl-C (SIGINT).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { main } from '#tools/cli/main.ts';
import { sql } from '#platform/db/sql.ts';
import { createTestDatabase, createTestMongo, type TestDatabase, type TestMongo } from '#support/database.ts';
import { freePort } from '#support/freePort.ts';
import { startDp } from '#support/startDp.ts';

type Context = { db: TestDatabase; mongo: TestMongo; dir: string };
const up = suite<Context>('dp up');

up.before(async (context) => {
  context.db = await createTestDatabase({ migrate: false });
  context.mongo = await createTestMongo();
  context.dir = await mkdtemp(path.join(os.tmpdir(), 'dp-up-'));
});
up.after(async ({ db, mongo, dir }) => {
  await db.drop();
  await mongo.drop();
  await rm(dir, { recursive: true, force: true });
});

up('brings the platform up in the foreground (--verbose: with the function logs) and stops it cleanly on SIGINT', async ({ db, mongo, dir }) => {
  const port = await freePort();
  const password = 'up-test-password-5521';
  const dp = startDp(['up', `--port=${port}`, '--no-schedules', '--verbose'], { DATABASE_URL: db.url, MONGODB_URL: mongo.url, DP_DATA_DIR: dir, DP_GATEWAY_PASSWORD: password, DP_LOG_LEVEL: 'info' });
  try {
    await dp.waitForLine(/^ready: /);
    const out = dp.stdout();
    assert.match(out, /services\s+postgres configured, mongodb configured/);
    assert.match(out, /migrations\s+applied \d+: 0001_create_schemas\.sql … \d{4}_\w+\.sql/);
    assert.match(out, /catalog\s+metadata: synced as metadata version 1/);
    assert.match(out, new RegExp(`gateway\\s+http://127\\.0\\.0\\.1:${port} serving orchestrator, files, rest, ynab, bronze, silver, gold, console, backup \\(schedules off\\)$`, 'm'));

    assert.is((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    const listed = await fetch(`http://127.0.0.1:${port}/system/functions`, { headers: { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` } });
    assert.is(listed.status, 200);
    assert.is(((await listed.json()) as unknown[]).length, 9);
    // the console, behind the gateway's own credentials
    const consoleLine = /^console\s+(http:\S+) — .*\(user admin, password: DP_GATEWAY_PASSWORD\)$/m.exec(out);
    assert.ok(consoleLine !== null, out);
    assert.is(consoleLine[1], `http://127.0.0.1:${port}/function/console/`);
    assert.is((await fetch(consoleLine[1]!)).status, 401);
    const page = await fetch(consoleLine[1]!, { headers: { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` } });
    assert.is(page.status, 200);
    assert.match(await page.text(), /No runs yet/);
    const versions = await db.pool.oneFirst(sql.type(z.object({ n: z.bigint() }))`SELECT count(*) AS n FROM platform.metadata_versions`);
    assert.is(versions, 1n);
    assert.match(dp.stderr(), /gateway\s+gateway\.listening url=http:\/\/127\.0\.0\.1:\d+/, 'gateway logs are readable lines, not JSON');
    assert.match(dp.stderr(), /orchestrator function\.listening port=\d+/);
    assert.match(dp.stderr(), /backups\s+backup_agent\.ready target=file:\/\/\S+\/backups poll_ms=15000/, `the backup agent runs inside dp up\n${dp.stderr()}`);
  } finally {
    dp.child.kill('SIGINT');
  }
  assert.is(await dp.exited, 0);
  assert.match(dp.stderr(), /stopping the gateway, its functions and the services this command started\n/);
  assert.match(dp.stderr(), /\nstopped\n$/);
  const after = await fetch(`http://127.0.0.1:${port}/healthz`).then(() => 'answered', () => 'closed');
  assert.is(after, 'closed');
});

up('usage: --exit goes only with --demo; an unknown flag is named', async () => {
  for (const [args, pattern] of [[['up', '--exit'], /--exit only goes with --demo/], [['up', '--dmeo'], /has no option --dmeo/]] as const) {
    const err: string[] = [];
    assert.is(await main(args, { out: () => undefined, err: (text) => err.push(text) }), 2);
    assert.match(err.join('\n'), pattern);
  }
});

up.run();
