import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { resolveDatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import { buildAddColumnSql, buildCreateSilverTableSql } from '#silver/buildSilverTableSql.ts';
import { relationName } from '#silver/silverSchema.ts';
import { makeDataset } from '#support/layers.ts';

const plan = resolveDatasetColumns(
  makeDataset('bank', {
    name: 'payments',
    load: 'full',
    key: ['id'],
    columns: [
      { name: 'id', type: 'integer' },
      { name: 'booked_at', type: 'timestamptz' },
      { name: 'memo', type: 'text', scd: 1 },
    ],
  }),
);

const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

test('CREATE TABLE: business columns, then audit columns, primary key on (key hash, version start); one current row per key', () => {
  const [create, index] = buildCreateSilverTableSql('bank__payments', plan.columns);
  assert.is(
    squash(create?.sql ?? ''),
    'CREATE TABLE IF NOT EXISTS "silver"."bank__payments" ("id" integer, "booked_at" timestamptz, "memo" text, ' +
      '"_key_hash" uuid NOT NULL, "_scd1_hash" uuid NOT NULL, "_scd2_hash" uuid NOT NULL, "_valid_from" timestamptz NOT NULL, "_valid_to" timestamptz, ' +
      '"_is_current" boolean NOT NULL DEFAULT true, "_is_deleted" boolean NOT NULL DEFAULT false, "_run_id" text NOT NULL, "_updated_run_id" text NOT NULL, ' +
      '"_created_at" timestamptz NOT NULL DEFAULT now(), "_updated_at" timestamptz NOT NULL DEFAULT now(), ' +
      'CONSTRAINT "bank__payments_pkey" PRIMARY KEY (_key_hash, _valid_from))',
  );
  assert.equal(create?.values, []);
  assert.is(squash(index?.sql ?? ''), 'CREATE UNIQUE INDEX IF NOT EXISTS "bank__payments_current" ON "silver"."bank__payments" (_key_hash) WHERE _is_current');
});

test('ADD COLUMN for a column the metadata added', () => {
  const added = buildAddColumnSql('bank__payments', { name: 'category', type: 'text', path: 'category', role: 2 });
  assert.is(squash(added.sql), 'ALTER TABLE "silver"."bank__payments" ADD COLUMN IF NOT EXISTS "category" text');
});

test('index names stay within 63 characters and stay distinct', () => {
  const long = `${'s'.repeat(30)}__${'d'.repeat(31)}`;
  const primary = relationName(long, 'pkey');
  const current = relationName(long, 'current');
  assert.ok(primary.length <= 63 && current.length <= 63);
  assert.is.not(primary, current);
  assert.is(relationName('bank__payments', 'pkey'), 'bank__payments_pkey');
});

test.run();
