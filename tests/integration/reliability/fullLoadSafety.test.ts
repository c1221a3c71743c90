/**
 * Full-load safety, through the real files, bronze and silver step handlers on real Postgres and FerretDB:
 * no export that yields no usable rows, a wrong header or a mass of absent keys may erase silver's current
 * rows. Each bad export fails its run with an error naming the fix, silver stays exactly as it was, and the
 * corrected (or the same, confirmed) export can be dropped again.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { sql } from '#platform/db/sql.ts';
import { projectRoot } from '#platform/env.ts';
import type { FunctionHandler } from '#template/functionContract.ts';
import { readMetadataFolder } from '#metadata/readMetadataFolder.ts';
import { finishRun } from '#pipeline/runStore/finishRun.ts';
import type { StepAnswer } from '#support/stepRuns.ts';
import { createStepWorld, type StepWorld } from '#support/stepWorld.ts';

type Context = { world: StepWorld; header: string; rows: string[] };
const safety = suite<Context>('full-load safety');

const inbox = (world: StepWorld): string => path.join(world.dir, 'inbox', 'bank');

safety.before(async (context) => {
  const shipped = await readMetadataFolder(path.join(projectRoot, 'metadata'));
  context.world = await createStepWorld({ metadata: shipped });
  const text = await readFile(path.join(projectRoot, 'metadata', 'samples', 'bank', 'snapshot-1', 'transactions.csv'), 'utf8');
  const [header, ...rows] = text.trim().split('\n');
  context.header = header ?? '';
  context.rows = rows;
  await context.world.dropBankSnapshot(1);
  for (const dataset of ['accounts', 'transactions']) {
    const run = await attempt(context.world, dataset);
    assert.is(run.failed, undefined, JSON.stringify(run.failed));
  }
});
safety.after(async ({ world }) => {
  await world.cleanup();
});

type Attempt = { runId: string; failed: { step: string; code: string; message: string } | undefined; answers: Record<string, StepAnswer> };

/** One run of a bank dataset, extract → bronze → silver as the orchestrator chains them; stops at the first failed step. */
async function attempt(world: StepWorld, dataset: string, triggerDetail: Record<string, unknown> = {}): Promise<Attempt> {
  const run = { source: 'bank', dataset };
  const runId = await world.startRun({ ...run, triggerDetail });
  const answers: Record<string, StepAnswer> = {};
  let failed: Attempt['failed'];
  const steps: [string, FunctionHandler][] = [['extract', world.handlers.files], ['bronze', world.handlers.bronze], ['silver', world.handlers.silver]];
  outer: for (const [step, handler] of steps) {
    let checkpoint: unknown;
    for (let chunk = 0; chunk < 50; chunk += 1) {
      const answer = await world.step(handler, runId, run, { chunk, ...(checkpoint === undefined ? {} : { checkpoint }) });
      answers[step] = answer;
      if (answer.result === undefined) {
        failed = { step, code: answer.error?.code ?? '', message: answer.error?.message ?? '' };
        break outer;
      }
      if (step === 'extract' && answer.result.status === 'done' && answer.result.unchanged) break outer;
      if (answer.result.status === 'done') break;
      checkpoint = answer.result.checkpoint;
    }
  }
  // The run ends as the orchestrator ends it: a success commits its cursor and imported files (succeedRun).
  if (failed === undefined) await world.succeedRun(runId);
  else await finishRun(world.db.pool, runId, { status: 'failed', error: { code: failed.code, message: failed.message, retryable: false } }, new Date());
  return { runId, failed, answers };
}

const silverState = z.object({ current: z.number(), deleted: z.number(), versions: z.number(), amounts: z.string() });
/** Everything that must not move when an export is refused. */
const transactionsNow = (world: StepWorld) => world.db.pool.one(sql.type(silverState)`
  SELECT count(*) FILTER (WHERE _is_current AND NOT _is_deleted)::int AS current,
         count(*) FILTER (WHERE _is_current AND _is_deleted)::int AS deleted,
         count(*)::int AS versions,
         string_agg(coalesce(amount::text, 'NULL'), ',' ORDER BY transaction_id, _valid_from) AS amounts
  FROM silver.bank__transactions`);

const drop = (world: StepWorld, name: string, content: string | Buffer) => writeFile(path.join(inbox(world), name), content);

const badExports: [string, (context: Context) => string | Buffer, string, RegExp][] = [
  ['an empty file', () => '', 'files.bad_file', /is empty/],
  ['a file of NUL bytes', () => Buffer.alloc(4096), 'files.bad_file', /NUL bytes/],
  ['a header-only file', ({ header }) => `${header}\n`, 'silver.empty_snapshot', /no usable record/],
  ['a `;`-delimited file', ({ header, rows }) => [header, ...rows].map((line) => line.replaceAll(',', ';')).join('\n'), 'files.header_mismatch', /delimiter/],
  ['a renamed key column (id → txid)', ({ header, rows }) => [header.replace('id,', 'txid,'), ...rows].join('\n'), 'files.header_mismatch', /missing id/],
  ['a renamed non-key column (amount → amt)', ({ header, rows }) => [header.replace('amount', 'amt'), ...rows].join('\n'), 'files.header_mismatch', /missing amount/],
];

for (const [what, content, code, message] of badExports) {
  safety(`${what}: the run fails with \`${code}\`, silver keeps every current row, the file can be dropped again`, async (context) => {
    const { world } = context;
    const before = await transactionsNow(world);
    await drop(world, 'transactions-bad.csv', content(context));
    const run = await attempt(world, 'transactions');
    assert.is(run.failed?.code, code, JSON.stringify(run.answers));
    assert.match(run.failed?.message ?? '', message);
    assert.equal(await transactionsNow(world), before, 'silver unchanged');
    // the same content dropped again is not called a duplicate: it fails the same way
    await drop(world, 'transactions-bad-again.csv', content(context));
    const again = await attempt(world, 'transactions');
    assert.is(again.failed?.code, code, 'the retried export is imported again, not skipped as a duplicate');
    assert.equal(await readdir(inbox(world)), [], 'nothing waits in the inbox behind a refused export');
  });
}

safety('the header error names the missing columns and the header seen', async (context) => {
  const { world, header, rows } = context;
  await drop(world, 'transactions-renamed.csv', [header.replace('amount', 'amt'), ...rows].join('\n'));
  const run = await attempt(world, 'transactions');
  assert.match(run.failed?.message ?? '', 'missing amount');
  assert.match(run.failed?.message ?? '', header.replace('amount', 'amt').split(',').join(', '));
});

safety('rows rejected for a wrong field count count as present: never tombstoned, and listed in platform.rejects', async (context) => {
  const { world, header, rows } = context;
  const before = await transactionsNow(world);
  const broken = rows.map((row, index) => (index % 4 === 0 ? `${row},EXTRA` : row));
  await drop(world, 'transactions-broken-rows.csv', [header, ...broken].join('\n'));
  const run = await attempt(world, 'transactions');
  assert.is(run.failed, undefined, JSON.stringify(run.failed));
  assert.equal(await transactionsNow(world), before, 'no rejected row became a tombstone');
  const rejects = await world.db.pool.any(sql.type(z.object({ key: z.unknown(), reason: z.string(), origin: z.string().nullable() }))`
    SELECT key, reason, origin FROM platform.rejects WHERE run_id = ${run.runId} ORDER BY reject_id`);
  assert.is(rejects.length, broken.filter((row) => row.endsWith(',EXTRA')).length);
  assert.equal(rejects[0], { key: ['T00001'], reason: 'has 9 fields, the header has 8', origin: 'transactions-broken-rows.csv' });
});

safety('a snapshot that would delete more than max_delete_share is quarantined; --accept-deletes confirms it', async (context) => {
  const { world, header, rows } = context;
  const before = await transactionsNow(world);
  const kept = [header, ...rows.slice(0, 4)].join('\n');
  await drop(world, 'transactions-short.csv', kept);
  const run = await attempt(world, 'transactions');
  assert.is(run.failed?.code, 'silver.mass_delete');
  assert.match(run.failed?.message ?? '', `would delete ${before.current - 4} of ${before.current} current rows`);
  assert.match(run.failed?.message ?? '', '--accept-deletes');
  assert.match(run.failed?.message ?? '', 'transactions-short.csv');
  assert.equal(await transactionsNow(world), before, 'nothing deleted');

  // the same export, dropped again and confirmed, is imported (not a duplicate) and deletes
  await drop(world, 'transactions-short.csv', kept);
  const confirmed = await attempt(world, 'transactions', { accept_deletes: true });
  assert.is(confirmed.failed, undefined, JSON.stringify(confirmed.failed));
  assert.equal(confirmed.answers.silver?.result?.counts.deleted, before.current - 4);
  const after = await transactionsNow(world);
  assert.equal([after.current, after.deleted], [4, before.current - 4]);
});

safety('a dataset whose metadata sets max_delete_share: 1 takes a mass deletion without confirmation', async ({ world }) => {
  const shipped = await readMetadataFolder(path.join(projectRoot, 'metadata'));
  const bank = shipped.find((file) => file.path.endsWith('bank.yml'));
  assert.ok(bank);
  const relaxed = { ...bank, text: bank.text.replace('    load: full\n    key: [iban]', '    load: full\n    max_delete_share: 1\n    key: [iban]') };
  assert.is.not(relaxed.text, bank.text);
  const { syncTestMetadata } = await import('#support/stepRuns.ts');
  await syncTestMetadata(world.db.pool, [...shipped.filter((file) => file !== bank), relaxed]);
  await drop(world, 'accounts-one.csv', 'iban,name,kind,currency,balance\nNL91DEMO0417164300,Everyday,checking,EUR,2310.45\n');
  const run = await attempt(world, 'accounts');
  assert.is(run.failed, undefined, JSON.stringify(run.failed));
  assert.is(run.answers.silver?.result?.counts.deleted, 2);
});

safety.run();
