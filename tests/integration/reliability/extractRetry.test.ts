/**
 * A files extract step whose attempt dies after the connector moved the export out of the inbox — Postgres gone
 * before the step's outcome is recorded, as in a restart mid-extract — and is retried, as the orchestrator retries
 * a failed step: the same chunk, from the same checkpoint. Through the real files, bronze and silver step handlers
 * on real Postgres and FerretDB, the retried runs must leave silver exactly as uninterrupted runs of the same
 * exports do. The failure is injected deterministically: the first attempt's runner does the whole extract, then throws.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { runFilesExtract } from '#extract/runFilesExtract.ts';
import { createStepHandler } from '#pipeline/createStepHandler.ts';
import type { StepRunner } from '#pipeline/steps.ts';
import { sql } from '#platform/db/sql.ts';
import { TransientError } from '#platform/errors.ts';
import type { FunctionResources } from '#platform/function/createFunctionResources.ts';
import { createLogger } from '#platform/log.ts';
import type { FunctionHandler } from '#template/functionContract.ts';
import type { StepAnswer } from '#support/stepRuns.ts';
import { createStepWorld, type StepWorld } from '#support/stepWorld.ts';

type Context = { clean: StepWorld; retried: StepWorld };
const retry = suite<Context>('extract retried after its attempt moved the export');

retry.before(async (context) => {
  [context.clean, context.retried] = await Promise.all([createStepWorld(), createStepWorld()]);
});
retry.after(async ({ clean, retried }) => {
  await Promise.all([clean?.cleanup(), retried?.cleanup()]);
});

/** The files step whose attempts do all their work, then die before their outcome is recorded. */
function dyingFilesHandler(world: StepWorld): FunctionHandler {
  const runner: StepRunner<FunctionResources> = async (context, resources) => {
    await runFilesExtract(context, resources);
    throw new TransientError('db.connection_lost', 'the connection to Postgres was lost before the step outcome was recorded');
  };
  return createStepHandler({ functionName: 'files', step: 'extract', runner, resources: world.resources, log: createLogger({ level: 'error', fields: {}, sink: () => undefined }) });
}

/** Runs a step chunk by chunk until done; each chunk's first attempt through `first`, a failed one retried through `handler`. */
async function untilDone(world: StepWorld, runId: string, handler: FunctionHandler, first: FunctionHandler = handler): Promise<{ answers: StepAnswer[]; failures: number }> {
  const run = { source: 'bank', dataset: 'transactions' };
  const answers: StepAnswer[] = [];
  let failures = 0;
  let checkpoint: unknown;
  for (let chunk = 0; chunk < 50; chunk += 1) {
    const extra = { chunk, ...(checkpoint === undefined ? {} : { checkpoint }) };
    let answer = await world.step(first, runId, run, extra);
    if (answer.result === undefined) {
      failures += 1;
      answer = await world.step(handler, runId, run, extra);
    }
    answers.push(answer);
    assert.ok(answer.result, JSON.stringify(answer.error));
    if (answer.result.status === 'done') return { answers, failures };
    checkpoint = answer.result.checkpoint;
  }
  throw new Error('the step never finished');
}

/** One run of bank.transactions: extract (each attempt dying after its work when `dying`), bronze, silver; then it succeeds. */
async function load(world: StepWorld, snapshot: 1 | 2, dying: boolean) {
  await world.dropBankSnapshot(snapshot);
  const runId = await world.startRun({ source: 'bank', dataset: 'transactions' });
  const extract = await untilDone(world, runId, world.handlers.files, dying ? dyingFilesHandler(world) : world.handlers.files);
  const done = extract.answers.at(-1)!.result!;
  if (!done.unchanged) {
    await untilDone(world, runId, world.handlers.bronze);
    await untilDone(world, runId, world.handlers.silver);
  }
  await world.succeedRun(runId);
  return { runId, extract, done };
}

const silverRow = z.object({ transaction_id: z.string(), amount: z.string(), category: z.string().nullable(), description: z.string().nullable(), is_current: z.boolean(), is_deleted: z.boolean(), closed: z.boolean() });
/** Silver's history of the dataset, without run ids and timestamps (they differ between worlds). */
const history = (world: StepWorld) => world.db.pool.any(sql.type(silverRow)`
  SELECT transaction_id, amount::text AS amount, category, description, _is_current AS is_current, _is_deleted AS is_deleted, _valid_to IS NOT NULL AS closed
  FROM silver.bank__transactions ORDER BY transaction_id, _valid_from, _is_current`);

for (const snapshot of [1, 2] as const) {
  retry(`snapshot ${snapshot}: the retried extract imports the export the failed attempt archived, and silver is what an uninterrupted run makes`, async ({ clean, retried }) => {
    const expected = await load(clean, snapshot, false);
    const actual = await load(retried, snapshot, true);
    assert.is(actual.extract.failures, 1, 'the first attempt died after its work');
    assert.is(actual.done.unchanged, false, 'never "nothing new": the export is in the run\'s archive folder, not lost');
    assert.equal(actual.done.detail.imported, ['transactions.csv']);
    assert.equal(actual.done.counts, expected.done.counts);
    const committed = await retried.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      SELECT count(*)::int AS n FROM platform.imported_files WHERE run_id = ${actual.runId} AND committed_at IS NOT NULL`);
    assert.is(committed, 1, 'the import is committed with the run');
    assert.equal(await history(retried), await history(clean));
    if (snapshot === 2) {
      const t7 = (await history(retried)).filter((row) => row.transaction_id === 'T00007');
      assert.equal(t7.map((row) => row.category), ['gifts'], 'the scd1 change of snapshot 2 reached silver');
    }
  });
}

retry.run();
