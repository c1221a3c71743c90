/**
 * Steps that span invocations, on real Postgres, FerretDB and a raw folder: bronze resumes inside a raw part
 * and stages the same records for silver in its pass; silver stages what is missing across invocations and
 * merges once — to exactly the table a single invocation builds.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { loadBronze } from '#bronze/loadBronze.ts';
import { sql } from '#platform/db/sql.ts';
import { datasetTableName } from '#metadata/datasetTableName.ts';
import { resolveDatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import { loadDatasetStepRun } from '#pipeline/loadDatasetStepRun.ts';
import { createBronzePassStaging } from '#silver/createBronzePassStaging.ts';
import { dropRunStaging } from '#silver/dropRunStaging.ts';
import { readRunStaging } from '#silver/openRunStaging.ts';
import { createLogger } from '#platform/log.ts';
import { createStepWorld, type StepWorld } from '#support/stepWorld.ts';
import { finishTestRun, type StepAnswer } from '#support/stepRuns.ts';

const DATASETS = ['orders_whole', 'orders_split', 'orders_sliced'];
const METADATA = {
  path: 'shop.yml',
  text: `source: shop
connector: files
datasets:
${DATASETS.map(
  (name) => `  - name: ${name}
    load: full
    key: [id]
    columns:
      - { name: id, type: bigint }
      - { name: amount, type: numeric }
      - { name: status, type: text }
      - { name: note, type: text, scd: 1 }
`,
).join('')}`,
};

type Order = { id: number | string; amount: string; status: string; note: string };

/** Snapshot 1: 3 parts, a key repeated across parts (the last wins), an amount that does not cast. */
const snapshot1: Order[][] = [
  Array.from({ length: 120 }, (_, i) => ({ id: i, amount: `${i}.50`, status: 'open', note: `n${i}` })),
  Array.from({ length: 120 }, (_, i) => ({ id: 120 + i, amount: `${i}.25`, status: 'open', note: `n${120 + i}` })),
  [...Array.from({ length: 60 }, (_, i) => ({ id: 240 + i, amount: '1.00', status: 'open', note: 'x' })), { id: 5, amount: '99.99', status: 'paid', note: 'again' }, { id: 7, amount: 'n/a', status: 'open', note: 'bad' }],
];
/** Snapshot 2: scd2 and scd1 changes, ids 200–219 gone, a new key. */
const snapshot2: Order[][] = [
  snapshot1[0]!.map((order) => (Number(order.id) % 10 === 0 ? { ...order, status: 'paid' } : Number(order.id) % 10 === 1 ? { ...order, note: `${order.note}!` } : order)),
  snapshot1[1]!.filter((order) => Number(order.id) < 200 || Number(order.id) >= 220),
  [...snapshot1[2]!.slice(0, 60), { id: 999, amount: '5', status: 'open', note: 'new' }],
];

type Context = { world: StepWorld };
const staging = suite<Context>('staging across invocations');

staging.before(async (context) => {
  context.world = await createStepWorld({ metadata: [METADATA] });
});
staging.after(async ({ world }) => {
  await world.cleanup();
});

async function writeRaw(world: StepWorld, runId: string, dataset: string, parts: readonly (readonly unknown[])[]): Promise<void> {
  const startedAt = await world.db.pool.oneFirst(sql.type(z.object({ started_at: z.date() }))`SELECT started_at FROM platform.runs WHERE run_id = ${runId}`);
  const run = { source: 'shop', dataset, runId, startedAt };
  for (const [index, records] of parts.entries()) await world.resources.rawStore().writePart(run, index + 1, records);
  await world.resources.rawStore().writeManifest(run, true);
}

async function untilDone(world: StepWorld, handler: StepWorld['handlers']['silver'], runId: string, dataset: string, deadlineMs?: number): Promise<StepAnswer[]> {
  const answers: StepAnswer[] = [];
  let checkpoint: unknown;
  for (let chunk = 0; chunk < 50; chunk += 1) {
    const answer = await world.step(handler, runId, { source: 'shop', dataset }, { chunk, ...(checkpoint === undefined ? {} : { checkpoint }), ...(deadlineMs === undefined ? {} : { deadlineMs }) });
    answers.push(answer);
    if (answer.result === undefined) throw new Error(`step failed: ${answer.status} ${JSON.stringify(answer.error)}`);
    if (answer.result.status === 'done') return answers;
    checkpoint = answer.result.checkpoint;
  }
  throw new Error('step never finished');
}

/** One snapshot through bronze and silver; `split` loses the staging bronze wrote and gives silver 1 s budgets, so it stages part by part. */
async function load(world: StepWorld, dataset: string, parts: readonly (readonly unknown[])[], split: boolean): Promise<StepAnswer[]> {
  const runId = await world.startRun({ source: 'shop', dataset });
  await writeRaw(world, runId, dataset, parts);
  await untilDone(world, world.handlers.bronze, runId, dataset);
  if (split) await dropRunStaging(world.db.pool, runId);
  const answers = await untilDone(world, world.handlers.silver, runId, dataset, split ? 1000 : undefined);
  await finishTestRun(world.db.pool, runId);
  return answers;
}

const rowSchema = z.object({ id: z.bigint(), amount: z.string().nullable(), status: z.string().nullable(), note: z.string().nullable(), current: z.boolean(), deleted: z.boolean(), closed: z.boolean() });
const tableOf = (world: StepWorld, dataset: string) => world.db.pool.any(sql.type(rowSchema)`
  SELECT id, amount::text AS amount, status, note, _is_current AS current, _is_deleted AS deleted, _valid_to IS NOT NULL AS closed
  FROM ${sql.identifier(['silver', datasetTableName('shop', dataset)])} ORDER BY id, _valid_from, _is_deleted`);

staging('a silver run staged across several invocations builds the same table, counts and rejects as one invocation', async ({ world }) => {
  const whole1 = await load(world, 'orders_whole', snapshot1, false);
  const split1 = await load(world, 'orders_split', snapshot1, true);
  assert.is(whole1.length, 1, 'bronze staged every record in its pass: silver only merges');
  assert.ok(split1.length >= 4, `three parts staged one per invocation, then the merge (${split1.length} invocations)`);
  assert.equal(split1.at(-1)!.result!.counts, whole1[0]!.result!.counts);
  assert.equal(whole1[0]!.result!.counts, { read: 302, inserted: 299, updated: 0, closed: 0, deleted: 0, rejected: 1, unchanged: 0 });

  const whole2 = await load(world, 'orders_whole', snapshot2, false);
  const split2 = await load(world, 'orders_split', snapshot2, true);
  assert.ok(split2.length >= 4);
  assert.equal(split2.at(-1)!.result!.counts, whole2[0]!.result!.counts);
  assert.equal(await tableOf(world, 'orders_split'), await tableOf(world, 'orders_whole'));
  assert.equal(whole2[0]!.result!.counts.deleted, 20);

  const rejects = await world.db.pool.anyFirst(sql.type(z.object({ n: z.string() }))`
    SELECT dataset || ':' || count(*) AS n FROM platform.rejects WHERE layer = 'silver' GROUP BY dataset ORDER BY dataset`);
  assert.equal(rejects, ['orders_split:1', 'orders_whole:1']);
  const leftovers = await world.db.pool.oneFirst(sql.type(z.object({ n: z.bigint() }))`
    SELECT (SELECT count(*) FROM platform.silver_staging) + (SELECT count(*) FROM pg_tables WHERE schemaname = 'staging') AS n`);
  assert.is(leftovers, 0n, 'each merge dropped its staging in its transaction');
});

staging('bronze resumes inside a raw part, and stages each record once across its invocations', async ({ world }) => {
  const runId = await world.startRun({ source: 'shop', dataset: 'orders_sliced' });
  const records = Array.from({ length: 5000 }, (_, i) => ({ id: i, amount: '1.5', status: 'open', note: `n${i}` }));
  await writeRaw(world, runId, 'orders_sliced', [records]);
  const run = await loadDatasetStepRun(world.db.pool, { runId, source: 'shop', dataset: 'orders_sliced', chunk: 0 });
  const db = await world.resources.mongo();
  const checkpoints: unknown[] = [];
  let checkpoint: { nextPart: number; offset?: number } | null = null;
  let invocations = 0;
  const insertedCounts: number[] = [];
  for (;;) {
    invocations += 1;
    // Each invocation loads one slice of 1,500 records and finds its deadline passed.
    const alongside = createBronzePassStaging({ pool: async () => world.db.pool, withCopy: world.resources.copyTransaction(), plan: resolveDatasetColumns(run.ref), runId, log: createLogger({ level: 'error' }) });
    const result = await loadBronze({ rawStore: world.resources.rawStore(), db, dataset: run.ref, run: { runId, startedAt: run.raw.startedAt }, checkpoint, deadline: 0, sliceRecords: 1500, alongside });
    insertedCounts.push(result.inserted);
    if (result.status === 'done') break;
    checkpoint = result.checkpoint;
    checkpoints.push(checkpoint);
    if (invocations === 2) {
      // A retry of the second invocation (its answer was lost): it loads and stages the same slice again.
      const again = await loadBronze({ rawStore: world.resources.rawStore(), db, dataset: run.ref, run: { runId, startedAt: run.raw.startedAt }, checkpoint: checkpoints[0] as typeof checkpoint, deadline: 0, sliceRecords: 1500, alongside: createBronzePassStaging({ pool: async () => world.db.pool, withCopy: world.resources.copyTransaction(), plan: resolveDatasetColumns(run.ref), runId, log: createLogger({ level: 'error' }) }) });
      assert.is(again.inserted, 0, 'the documents of the repeated slice are there already');
    }
  }
  assert.equal(checkpoints, [{ nextPart: 1, offset: 1500 }, { nextPart: 1, offset: 3000 }, { nextPart: 1, offset: 4500 }]);
  assert.equal(insertedCounts, [1500, 1500, 1500, 500], 'each slice inserted on two connections at once, and counted once');
  assert.is(await db.collection('shop__orders_sliced').countDocuments({}), 5000);
  const staged = await readRunStaging(world.db.pool, runId);
  assert.is(staged?.complete, true);
  assert.is(staged?.staged, 5000, 'each record staged once, the repeated slice too');
  const distinct = await world.db.pool.oneFirst(sql.type(z.object({ n: z.bigint() }))`
    SELECT count(DISTINCT _seq) AS n FROM ${sql.identifier(['staging', staged!.stageTable])}`);
  assert.is(distinct, 5000n);
});

staging.run();
