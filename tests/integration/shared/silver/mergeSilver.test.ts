import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { sql } from '#platform/db/sql.ts';
import { createLayerHarness, day, makeDataset, type LayerHarness } from '#support/layers.ts';

const accounts = makeDataset('bank', {
  name: 'accounts',
  load: 'full',
  key: ['id'],
  columns: [
    { name: 'id', type: 'integer' },
    { name: 'name', type: 'text' },
    { name: 'balance', type: 'numeric' },
    { name: 'note', type: 'text', scd: 1 },
    { name: 'seen', type: 'timestamptz', scd: 'none' },
    { name: 'owner', type: 'text', source: 'owner.name' },
  ],
});

const versionSchema = z.object({
  id: z.number(),
  name: z.string().nullable(),
  balance: z.string().nullable(),
  note: z.string().nullable(),
  owner: z.string().nullable(),
  _valid_from: z.date(),
  _valid_to: z.date().nullable(),
  _is_current: z.boolean(),
  _is_deleted: z.boolean(),
  _run_id: z.string(),
  _updated_run_id: z.string(),
});

type Version = { id: number; name: string | null; balance: string | null; note: string | null; owner: string | null; from: number; to: number | null; current: boolean; deleted: boolean; run: string; updatedBy: string };

const dayNumber = (date: Date): number => Math.round((date.getTime() - Date.UTC(2026, 0, 1, 12)) / 86_400_000);

async function versions(harness: LayerHarness): Promise<Version[]> {
  const rows = await harness.db.pool.any(sql.type(versionSchema)`
    SELECT id, name, balance, note, owner, _valid_from, _valid_to, _is_current, _is_deleted, _run_id, _updated_run_id
    FROM silver.bank__accounts ORDER BY id, _valid_from`);
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    balance: row.balance,
    note: row.note,
    owner: row.owner,
    from: dayNumber(row._valid_from),
    to: row._valid_to === null ? null : dayNumber(row._valid_to),
    current: row._is_current,
    deleted: row._is_deleted,
    run: row._run_id,
    updatedBy: row._updated_run_id,
  }));
}

const account = (id: number, name: string, balance: number | string, note: string, owner = 'ada', seen = '2026-01-01T00:00:00Z') => ({ id, name, balance, note, owner: { name: owner }, seen });

const full = suite<{ harness: LayerHarness }>('mergeSilver: full snapshots');

full.before(async (context) => {
  context.harness = await createLayerHarness();
});
full.after(async (context) => {
  await context.harness.drop();
});

full('a sequence of full snapshots builds the exact SCD2 history, version by version', async ({ harness }) => {
  // Run 1: three new keys.
  let result = await harness.runSnapshot(accounts, [account(1, 'Checking', '100.50', 'main'), account(2, 'Savings', 5000, 'rainy day'), account(3, 'Cash', 20, 'wallet')]);
  assert.is(result.path, 'initial');
  assert.equal(result.counts, { read: 3, inserted: 3, updated: 0, closed: 0, deleted: 0, rejected: 0, unchanged: 0 });
  assert.equal(await versions(harness), [
    { id: 1, name: 'Checking', balance: '100.5', note: 'main', owner: 'ada', from: 1, to: null, current: true, deleted: false, run: 'run-001', updatedBy: 'run-001' },
    { id: 2, name: 'Savings', balance: '5000', note: 'rainy day', owner: 'ada', from: 1, to: null, current: true, deleted: false, run: 'run-001', updatedBy: 'run-001' },
    { id: 3, name: 'Cash', balance: '20', note: 'wallet', owner: 'ada', from: 1, to: null, current: true, deleted: false, run: 'run-001', updatedBy: 'run-001' },
  ]);

  // Run 2: 1 changes a scd2 column, 2 only its scd1 note, 3 only its scd:none column; 4 is new.
  result = await harness.runSnapshot(accounts, [
    account(1, 'Checking', '90.25', 'main'),
    account(2, 'Savings', '5000.00', 'emergency'),
    account(3, 'Cash', 20, 'wallet', 'ada', '2026-02-02T00:00:00Z'),
    account(4, 'Credit card', -15, 'visa', 'bob'),
  ]);
  assert.is(result.path, 'change');
  assert.equal(result.counts, { read: 4, inserted: 1, updated: 2, closed: 1, deleted: 0, rejected: 0, unchanged: 1 });
  assert.equal(await versions(harness), [
    { id: 1, name: 'Checking', balance: '100.5', note: 'main', owner: 'ada', from: 1, to: 2, current: false, deleted: false, run: 'run-001', updatedBy: 'run-002' },
    { id: 1, name: 'Checking', balance: '90.25', note: 'main', owner: 'ada', from: 2, to: null, current: true, deleted: false, run: 'run-002', updatedBy: 'run-002' },
    { id: 2, name: 'Savings', balance: '5000', note: 'emergency', owner: 'ada', from: 1, to: null, current: true, deleted: false, run: 'run-001', updatedBy: 'run-002' },
    { id: 3, name: 'Cash', balance: '20', note: 'wallet', owner: 'ada', from: 1, to: null, current: true, deleted: false, run: 'run-001', updatedBy: 'run-001' },
    { id: 4, name: 'Credit card', balance: '-15', note: 'visa', owner: 'bob', from: 2, to: null, current: true, deleted: false, run: 'run-002', updatedBy: 'run-002' },
  ]);

  // Run 3: 3 is gone; 1 changes its scd1 note, which overwrites every version of 1; a nested owner change on 4.
  result = await harness.runSnapshot(accounts, [account(1, 'Checking', '90.25', 'household'), account(2, 'Savings', 5000, 'emergency'), account(4, 'Credit card', -15, 'visa', 'carol')]);
  assert.equal(result.counts, { read: 3, inserted: 0, updated: 2, closed: 2, deleted: 1, rejected: 0, unchanged: 1 });
  assert.equal(await versions(harness), [
    { id: 1, name: 'Checking', balance: '100.5', note: 'household', owner: 'ada', from: 1, to: 2, current: false, deleted: false, run: 'run-001', updatedBy: 'run-003' },
    { id: 1, name: 'Checking', balance: '90.25', note: 'household', owner: 'ada', from: 2, to: null, current: true, deleted: false, run: 'run-002', updatedBy: 'run-003' },
    { id: 2, name: 'Savings', balance: '5000', note: 'emergency', owner: 'ada', from: 1, to: null, current: true, deleted: false, run: 'run-001', updatedBy: 'run-002' },
    { id: 3, name: 'Cash', balance: '20', note: 'wallet', owner: 'ada', from: 1, to: 3, current: false, deleted: false, run: 'run-001', updatedBy: 'run-003' },
    { id: 3, name: 'Cash', balance: '20', note: 'wallet', owner: 'ada', from: 3, to: null, current: true, deleted: true, run: 'run-003', updatedBy: 'run-003' },
    { id: 4, name: 'Credit card', balance: '-15', note: 'visa', owner: 'bob', from: 2, to: 3, current: false, deleted: false, run: 'run-002', updatedBy: 'run-003' },
    { id: 4, name: 'Credit card', balance: '-15', note: 'visa', owner: 'carol', from: 3, to: null, current: true, deleted: false, run: 'run-003', updatedBy: 'run-003' },
  ]);

  // Run 4: 3 comes back (revived with a new version, its scd1 note overwritten on all versions); still absent keys stay deleted.
  result = await harness.runSnapshot(accounts, [account(1, 'Checking', '90.25', 'household'), account(2, 'Savings', 5000, 'emergency'), account(3, 'Cash', 35, 'jar'), account(4, 'Credit card', -15, 'visa', 'carol')]);
  assert.equal(result.counts, { read: 4, inserted: 1, updated: 0, closed: 1, deleted: 0, rejected: 0, unchanged: 3 });
  const afterRevival = await versions(harness);
  assert.equal(afterRevival.filter((version) => version.id === 3), [
    { id: 3, name: 'Cash', balance: '20', note: 'jar', owner: 'ada', from: 1, to: 3, current: false, deleted: false, run: 'run-001', updatedBy: 'run-004' },
    { id: 3, name: 'Cash', balance: '20', note: 'jar', owner: 'ada', from: 3, to: 4, current: false, deleted: true, run: 'run-003', updatedBy: 'run-004' },
    { id: 3, name: 'Cash', balance: '35', note: 'jar', owner: 'ada', from: 4, to: null, current: true, deleted: false, run: 'run-004', updatedBy: 'run-004' },
  ]);

  // Run 5: the same snapshot again changes nothing.
  result = await harness.runSnapshot(accounts, [account(1, 'Checking', '90.25', 'household'), account(2, 'Savings', 5000, 'emergency'), account(3, 'Cash', 35, 'jar'), account(4, 'Credit card', -15, 'visa', 'carol')]);
  assert.equal(result.counts, { read: 4, inserted: 0, updated: 0, closed: 0, deleted: 0, rejected: 0, unchanged: 4 });
  assert.equal(await versions(harness), afterRevival);
  // (The silver step records these counts on the run's step chunk: tests/integration/shared/silver/runSilverStep.test.ts.)
});

full('an empty full snapshot is refused until confirmed; confirmed, it deletes every key; boundaries come from the run', async ({ harness }) => {
  const before = await versions(harness);
  try {
    await harness.runSnapshot(accounts, [], { boundaryAt: day(9) });
    assert.unreachable('an unconfirmed empty snapshot is refused');
  } catch (error) {
    assert.is((error as { code?: string }).code, 'silver.empty_snapshot');
  }
  assert.equal(await versions(harness), before, 'nothing changed');
  const result = await harness.runSnapshot(accounts, [], { boundaryAt: day(10), deletions: { accept: true } });
  assert.equal(result.counts.deleted, 4);
  assert.is(result.boundaryAt.toISOString(), day(10).toISOString());
  const current = (await versions(harness)).filter((version) => version.current);
  assert.equal(current.map((version) => [version.id, version.deleted, version.from]), [[1, true, 10], [2, true, 10], [3, true, 10], [4, true, 10]]);
});

full('max_delete_share: a snapshot may delete up to that share of the current rows; more is refused and changes nothing', async ({ harness }) => {
  const cautious = makeDataset('bank', { name: 'cautious', load: 'full', max_delete_share: 0.25, key: ['id'], columns: [{ name: 'id', type: 'integer' }, { name: 'v', type: 'text' }] });
  const rows = (ids: number[]) => ids.map((id) => ({ id, v: `v${id}` }));
  await harness.runSnapshot(cautious, rows([1, 2, 3, 4]), { boundaryAt: day(20) });
  try {
    await harness.runSnapshot(cautious, rows([1, 2]), { boundaryAt: day(21) });
    assert.unreachable('2 of 4 is more than 25 %');
  } catch (error) {
    assert.is((error as { code?: string }).code, 'silver.mass_delete');
    assert.match((error as Error).message, 'would delete 2 of 4 current rows of silver.bank__cautious (50 %, more than max_delete_share 25 %)');
  }
  const live = () => harness.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM silver.bank__cautious WHERE _is_current AND NOT _is_deleted`);
  assert.is(await live(), 4);
  assert.is((await harness.runSnapshot(cautious, rows([1, 2, 3]), { boundaryAt: day(22) })).counts.deleted, 1, '1 of 4 is within 25 %');
  assert.is(await live(), 3);
});

full.run();
