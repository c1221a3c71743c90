import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { getRun } from '#pipeline/runStore/getRun.ts';
import { insertActiveRun } from '#pipeline/runStore/insertActiveRun.ts';
import { listRunSteps } from '#pipeline/runStore/listRunSteps.ts';
import { sql } from '#platform/db/sql.ts';
import { PlatformError } from '#platform/errors.ts';
import { mergeSilver } from '#silver/mergeSilver.ts';
import { createLayerHarness, day, makeDataset, type LayerHarness } from '#support/layers.ts';

const datasetNamed = (name: string, load: 'full' | 'delta' = 'full') =>
  makeDataset('shop', {
    name,
    load,
    key: ['id'],
    columns: [
      { name: 'id', type: 'integer' },
      { name: 'price', type: 'numeric' },
      { name: 'label', type: 'text', scd: 1 },
    ],
  });

const tableRows = async (harness: LayerHarness, table: string): Promise<readonly unknown[]> =>
  harness.db.pool.any(sql.unsafe`SELECT * FROM ${sql.identifier(['silver', table])} ORDER BY _key_hash, _valid_from`);

const currentRows = async (harness: LayerHarness, table: string) =>
  harness.db.pool.any(sql.type(z.object({ id: z.number(), price: z.string().nullable(), label: z.string().nullable(), deleted: z.boolean() }))`
    SELECT id, price, label, _is_deleted AS deleted FROM ${sql.identifier(['silver', table])} WHERE _is_current ORDER BY id`);

const rules = suite<{ harness: LayerHarness }>('mergeSilver: rules');

rules.before(async (context) => {
  context.harness = await createLayerHarness();
});
rules.after(async (context) => {
  await context.harness.drop();
});

rules('the last record of a duplicated key wins, within a part and across parts, on the initial and the change path', async ({ harness }) => {
  const products = datasetNamed('products_dup');
  let result = await harness.runSnapshot(products, [
    { id: 1, price: 10, label: 'a' },
    { id: 1, price: 11, label: 'b' },
    { id: 2, price: 20, label: 'c' },
    { id: 1, price: 12, label: 'c' },
  ]);
  assert.is(result.path, 'initial');
  assert.is(result.duplicates, 2);
  assert.equal(result.counts.inserted, 2);
  assert.equal(await currentRows(harness, 'shop__products_dup'), [
    { id: 1, price: '12', label: 'c', deleted: false },
    { id: 2, price: '20', label: 'c', deleted: false },
  ]);

  // Key 1 first changes and then comes back to its current values: the last record wins, so nothing changes.
  // Key 2 changes twice; key 3 is new twice. Parts hold 3 records, so duplicates span parts.
  result = await harness.runSnapshot(products, [
    { id: 1, price: 99, label: 'zz' },
    { id: 2, price: 21, label: 'c' },
    { id: 3, price: 30, label: 'x' },
    { id: 2, price: 22, label: 'c' },
    { id: 3, price: 31, label: 'y' },
    { id: 1, price: 12, label: 'c' },
  ]);
  assert.is(result.duplicates, 3);
  assert.equal(result.counts, { read: 6, inserted: 1, updated: 1, closed: 1, deleted: 0, rejected: 0, unchanged: 1 });
  assert.equal(await currentRows(harness, 'shop__products_dup'), [
    { id: 1, price: '12', label: 'c', deleted: false },
    { id: 2, price: '22', label: 'c', deleted: false },
    { id: 3, price: '31', label: 'y', deleted: false },
  ]);
  const versions = await harness.db.pool.oneFirst(sql.type(z.object({ n: z.bigint() }))`SELECT count(*) AS n FROM silver.shop__products_dup`);
  assert.is(versions, 4n);
});

rules('merging the same run twice changes nothing, and reports its rejects once', async ({ harness }) => {
  const products = datasetNamed('products_twice');
  await harness.runSnapshot(products, [{ id: 1, price: 10, label: 'a' }, { id: 2, price: 20, label: 'b' }]);
  const first = await harness.runSnapshot(products, [{ id: 1, price: 11, label: 'a' }, { id: 2, price: 'twenty', label: 'b' }, { id: 3, price: 30, label: 'c' }], { runId: 'twice-2' });
  assert.equal(first.counts, { read: 3, inserted: 1, updated: 1, closed: 1, deleted: 0, rejected: 1, unchanged: 0 });
  const before = await tableRows(harness, 'shop__products_twice');

  const again = await mergeSilver({ pool: harness.db.pool, copyIn: harness.copyIn, db: harness.mongo.db, dataset: products, runId: 'twice-2' });
  assert.equal(again.counts, { read: 3, inserted: 0, updated: 0, closed: 0, deleted: 0, rejected: 1, unchanged: 2 });
  assert.equal(again.boundaryAt, first.boundaryAt);
  assert.equal(await tableRows(harness, 'shop__products_twice'), before);
  const rejects = await harness.db.pool.oneFirst(sql.type(z.object({ n: z.bigint() }))`SELECT count(*) AS n FROM platform.rejects WHERE run_id = 'twice-2'`);
  assert.is(rejects, 1n);
});

rules('an uncastable value goes to platform.rejects; the key keeps its last good version and is not deleted', async ({ harness }) => {
  const products = datasetNamed('products_rejects');
  await harness.runSnapshot(products, [{ id: 1, price: 10, label: 'a' }, { id: 2, price: 20, label: 'b' }, { id: 3, price: 30, label: 'c' }]);
  const result = await harness.runSnapshot(
    products,
    [
      { id: 1, price: '10.0', label: 'a' },
      { id: 2, price: { amount: 21 }, label: 'b2' },
      { id: 'three', price: 31, label: 'c' },
      { price: 40, label: 'no key' },
      { id: 4, price: 40, label: 'd' },
    ],
    { runId: 'rejects-2' },
  );
  assert.equal(result.counts, { read: 5, inserted: 1, updated: 0, closed: 1, deleted: 1, rejected: 3, unchanged: 1 });
  // Key 2 was rejected, so it is neither changed nor deleted; key 3's record had an unusable key, so key 3 is absent.
  assert.equal(await currentRows(harness, 'shop__products_rejects'), [
    { id: 1, price: '10', label: 'a', deleted: false },
    { id: 2, price: '20', label: 'b', deleted: false },
    { id: 3, price: '30', label: 'c', deleted: true },
    { id: 4, price: '40', label: 'd', deleted: false },
  ]);
  const rejects = await harness.db.pool.any(sql.type(z.object({ source: z.string(), dataset: z.string(), key: z.unknown(), column_name: z.string(), value: z.string().nullable(), reason: z.string(), origin: z.string().nullable() }))`
    SELECT source, dataset, key, column_name, value, reason, origin FROM platform.rejects WHERE run_id = 'rejects-2' ORDER BY reject_id`);
  assert.equal(rejects.map((reject) => [reject.source, reject.dataset, reject.key, reject.column_name, reject.value]), [
    ['shop', 'products_rejects', ['2'], 'price', '{"amount":21}'],
    ['shop', 'products_rejects', null, 'id', '"three"'],
    ['shop', 'products_rejects', null, 'id', null],
  ]);
  assert.match(rejects[0]?.reason ?? '', /not a decimal number, expected numeric/);
  assert.match(rejects[1]?.reason ?? '', /not a whole number, expected integer/);
  assert.match(rejects[2]?.reason ?? '', /key column `id` is missing/);
  assert.match(rejects[0]?.origin ?? '', /^raw\/shop\/products_rejects\/.+\/rejects-2\/part-00000\.json#1$/);
});

rules('a transaction that fails part-way leaves silver, rejects and the run boundary untouched, and records the failure', async ({ harness }) => {
  const products = datasetNamed('products_abort');
  await harness.runSnapshot(products, [{ id: 1, price: 10, label: 'a' }, { id: 2, price: 20, label: 'b' }]);
  const before = await tableRows(harness, 'shop__products_abort');
  // A constraint only the last statement of the merge (the insert of new versions) violates.
  await harness.db.pool.query(sql.unsafe`ALTER TABLE silver.shop__products_abort ADD CONSTRAINT no_boom CHECK (label IS DISTINCT FROM 'boom')`);
  try {
    await harness.runSnapshot(products, [{ id: 1, price: 11, label: 'a2' }, { id: 3, price: 'bad', label: 'x' }, { id: 4, price: 40, label: 'boom' }], { runId: 'abort-2' });
    assert.unreachable('the merge should fail');
  } catch (error) {
    assert.instance(error, PlatformError);
    assert.is((error as PlatformError).code, 'db.check_violation');
  }
  assert.equal(await tableRows(harness, 'shop__products_abort'), before);
  const rejects = await harness.db.pool.oneFirst(sql.type(z.object({ n: z.bigint() }))`SELECT count(*) AS n FROM platform.rejects WHERE run_id = 'abort-2'`);
  assert.is(rejects, 0n);
  assert.is((await getRun(harness.db.pool, 'abort-2'))?.boundary_at, null);
  assert.equal((await getRun(harness.db.pool, 'abort-2'))?.error?.code, 'db.check_violation', 'the failed run records the error');
  const staging = await harness.db.pool.oneFirst(sql.type(z.object({ n: z.bigint() }))`SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'staging'`);
  assert.is(staging, 0n);
});

rules('a run older than the versions it would close is refused and changes nothing', async ({ harness }) => {
  const products = datasetNamed('products_order');
  await harness.runSnapshot(products, [{ id: 1, price: 10, label: 'a' }], { boundaryAt: day(20) });
  const before = await tableRows(harness, 'shop__products_order');
  try {
    await harness.runSnapshot(products, [{ id: 1, price: 11, label: 'a' }], { boundaryAt: day(19), runId: 'order-old' });
    assert.unreachable('merging an older run should fail');
  } catch (error) {
    assert.is((error as PlatformError).code, 'silver.out_of_order');
    assert.match((error as Error).message, /order-old/);
  }
  assert.equal(await tableRows(harness, 'shop__products_order'), before);
});

rules('a column added to the metadata is added to the table; a changed type is refused with the column named', async ({ harness }) => {
  const original = datasetNamed('products_evolve');
  await harness.runSnapshot(original, [{ id: 1, price: 10, label: 'a' }]);
  const extended = makeDataset('shop', {
    name: 'products_evolve',
    load: 'full',
    key: ['id'],
    columns: [
      { name: 'id', type: 'integer' },
      { name: 'price', type: 'numeric' },
      { name: 'label', type: 'text', scd: 1 },
      { name: 'colour', type: 'text' },
    ],
  });
  // Records without the new column's value do not open versions; a value for it does.
  let result = await harness.runSnapshot(extended, [{ id: 1, price: 10, label: 'a' }]);
  assert.equal(result.addedColumns, ['colour']);
  assert.is(result.counts.unchanged, 1);
  result = await harness.runSnapshot(extended, [{ id: 1, price: 10, label: 'a', colour: 'red' }]);
  assert.equal([result.counts.updated, result.counts.closed], [1, 1]);

  const retyped = makeDataset('shop', { name: 'products_evolve', load: 'full', key: ['id'], columns: [{ name: 'id', type: 'integer' }, { name: 'price', type: 'double precision' }, { name: 'label', type: 'text', scd: 1 }] });
  try {
    await harness.runSnapshot(retyped, [{ id: 1, price: 10, label: 'a' }]);
    assert.unreachable('a type change should be refused');
  } catch (error) {
    assert.is((error as PlatformError).code, 'silver.column_type_changed');
    assert.match((error as Error).message, /column `price` is numeric in silver\.shop__products_evolve, double precision in the metadata/);
    assert.match((error as Error).message, /dp replay shop\.products_evolve/);
  }
});

rules('a full run without loaded bronze is refused instead of deleting every key', async ({ harness }) => {
  const products = datasetNamed('products_unloaded');
  await harness.runSnapshot(products, [{ id: 1, price: 10, label: 'a' }]);
  await insertActiveRun(harness.db.pool, { runId: 'never-loaded', kind: 'dataset', source: 'shop', dataset: 'products_unloaded', load: 'full', trigger: 'manual', triggerDetail: {}, metadataVersion: null }, new Date());
  try {
    await mergeSilver({ pool: harness.db.pool, copyIn: harness.copyIn, db: harness.mongo.db, dataset: products, runId: 'never-loaded' });
    assert.unreachable('merging a run without bronze should fail');
  } catch (error) {
    assert.is((error as PlatformError).code, 'silver.bronze_missing');
  }
  assert.equal(await currentRows(harness, 'shop__products_unloaded'), [{ id: 1, price: '10', label: 'a', deleted: false }]);
});

rules('beforeCommit runs in the merge transaction with what the merge did: its writes commit with the data, its failure rolls the merge back', async ({ harness }) => {
  const products = datasetNamed('products_hook');
  await harness.runSnapshot(products, [{ id: 1, price: 10, label: 'a' }]);
  await harness.db.pool.query(sql.unsafe`CREATE TABLE platform.hook_log (run_id text)`);
  const merge = (runId: string, beforeCommit: Parameters<typeof mergeSilver>[0]['beforeCommit']) =>
    mergeSilver({ pool: harness.db.pool, copyIn: harness.copyIn, db: harness.mongo.db, dataset: products, runId, beforeCommit });
  await harness.loadRun(products, [{ id: 1, price: 11, label: 'a' }], { runId: 'hook-2' });
  const before = await tableRows(harness, 'shop__products_hook');
  try {
    await merge('hook-2', async () => {
      throw new PlatformError('test.hook_failed', 'the hook failed');
    });
    assert.unreachable('a failing hook should fail the merge');
  } catch (error) {
    assert.is((error as PlatformError).code, 'test.hook_failed');
  }
  assert.equal(await tableRows(harness, 'shop__products_hook'), before);
  await merge('hook-2', async (tx, merged) => {
    assert.equal([merged.runId, merged.counts.updated, merged.path], ['hook-2', 1, 'change']);
    await tx.query(sql.unsafe`INSERT INTO platform.hook_log VALUES ('hook-2')`);
  });
  const logged = await harness.db.pool.anyFirst(sql.type(z.object({ run_id: z.string() }))`SELECT run_id FROM platform.hook_log`);
  assert.equal(logged, ['hook-2']);
  assert.equal(await currentRows(harness, 'shop__products_hook'), [{ id: 1, price: '11', label: 'a', deleted: false }]);
  // The merge leaves platform.run_steps to the step that runs it (runSilverStep records its outcome in beforeCommit).
  assert.equal(await listRunSteps(harness.db.pool, ['hook-2']), []);
});

rules.run();
