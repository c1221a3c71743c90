/**
 * Scheduled backups on real services: the `backup` function's cron call records a request (a second call
 * joins it), the agent claims and runs it into the target and records the outcome; `dp backup` takes over a
 * request nobody ran yet; a running backup blocks another; a backup whose agent died is given up.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { sql } from '#platform/db/sql.ts';
import { PlatformError } from '#platform/errors.ts';
import { CRON_HEADERS } from '#platform/function/isCronInvocation.ts';
import { createLogger } from '#platform/log.ts';
import { createFolderObjectStore } from '#platform/raw/createFolderObjectStore.ts';
import { listBackups } from '#lifecycle/archive/listBackups.ts';
import { listRecentBackups, requestBackup, startManualBackup } from '#lifecycle/backup/backupRecords.ts';
import { createBackupHandler } from '#lifecycle/backup/createBackupHandler.ts';
import { runPendingBackup } from '#lifecycle/backup/runBackupAgent.ts';
import { callHandler } from '#support/callHandler.ts';
import { createLayerHarness, makeDataset, type LayerHarness } from '#support/layers.ts';

const payees = makeDataset('ynab', { name: 'payees', load: 'full', key: ['id'], columns: [{ name: 'id', type: 'text' }, { name: 'name', type: 'text' }] });

type Context = { harness: LayerHarness; dir: string };
const agent = suite<Context>('backup function and agent');

agent.before(async (context) => {
  context.harness = await createLayerHarness();
  context.dir = await mkdtemp(path.join(os.tmpdir(), 'dp-agent-'));
  await context.harness.runSnapshot(payees, [{ id: 'p1', name: 'Bakery' }]);
});
agent.after(async (context) => {
  await context.harness.drop();
  await rm(context.dir, { recursive: true, force: true });
});

const lines: string[] = [];
const agentOptions = ({ harness, dir }: Context) => ({
  pool: harness.db.pool,
  databaseUrl: harness.db.url,
  bronze: harness.mongo.db,
  raw: harness.rawObjects,
  target: createFolderObjectStore(path.join(dir, 'backups')),
  workDir: path.join(dir, 'work'),
  retention: { daily: 7, weekly: 4 },
  log: createLogger({ format: 'text', fields: {}, level: 'info', sink: (line) => lines.push(line) }),
});

agent('the cron call records a request, a second joins it, and the agent runs it into the target', async (context) => {
  const handler = createBackupHandler(async () => context.harness.db.pool);
  const first = await callHandler(handler, { method: 'POST', path: '/', headers: { 'x-connector': CRON_HEADERS['X-Connector'], 'x-topic': CRON_HEADERS['X-Topic'] } });
  assert.is(first.status, 202);
  assert.equal(first.value, { backup_id: (first.value as { backup_id: number }).backup_id, status: 'requested', created: true });
  const second = await callHandler(handler, { method: 'POST', path: '/' });
  assert.is(second.status, 200);
  assert.is((second.value as { backup_id: number }).backup_id, (first.value as { backup_id: number }).backup_id);
  assert.is(await runPendingBackup(agentOptions(context)).then((id) => typeof id), 'string');
  const [row] = await listRecentBackups(context.harness.db.pool);
  assert.is(row?.status, 'succeeded');
  assert.is(row?.trigger_kind, 'schedule');
  assert.equal((await listBackups(agentOptions(context).target)).complete, [row?.archive_id]);
  assert.ok((row?.stored_bytes ?? 0) > 0 && row?.detail.raw_files === 2, JSON.stringify(row));
  assert.ok(lines.some((line) => line.startsWith('backup.succeeded')), lines.join('\n'));
  assert.is(await runPendingBackup(agentOptions(context)), null, 'nothing requested: nothing runs');
  const listed = await callHandler(handler, { method: 'GET', path: '/' });
  assert.is((listed.value as { backups: { status: string }[] }).backups[0]?.status, 'succeeded');
  const wrong = await callHandler(handler, { method: 'POST', path: '/elsewhere' });
  assert.is(wrong.status, 404);
});

agent('dp backup takes over a waiting request; a running backup blocks another; a dead one is given up', async ({ harness }) => {
  const requested = await requestBackup(harness.db.pool, 'schedule');
  const manual = await startManualBackup(harness.db.pool);
  assert.is(manual.backup_id, requested.backup.backup_id, 'the waiting request is fulfilled by hand');
  assert.is(manual.status, 'running');
  try {
    await startManualBackup(harness.db.pool);
    assert.unreachable('one backup at a time');
  } catch (error) {
    assert.is((error as PlatformError).code, 'backup.busy');
    assert.match((error as PlatformError).message, new RegExp(`Backup ${manual.backup_id} is already running`));
  }
  await harness.db.pool.query(sql.unsafe`UPDATE platform.backups SET started_at = now() - interval '13 hours' WHERE backup_id = ${manual.backup_id}`);
  const next = await requestBackup(harness.db.pool, 'schedule');
  assert.is(next.created, true, 'the abandoned backup no longer blocks');
  const [, abandoned] = await listRecentBackups(harness.db.pool);
  assert.equal([abandoned?.status, abandoned?.error?.code], ['failed', 'backup.abandoned']);
});

agent.run();
