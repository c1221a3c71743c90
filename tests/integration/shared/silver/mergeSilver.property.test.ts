/**
 * Property-style test: random sequences of snapshots (seeded, so a failure replays) go through
 * raw → bronze → silver, and the full history in silver is compared with the history an independent,
 * deliberately simple in-memory model of the SCD2 rules computes for the same sequence.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { sql } from '#platform/db/sql.ts';
import { createLayerHarness, day, makeDataset, type LayerHarness } from '#support/layers.ts';

type Values = { a: number | null; b: string | null; c: string | null; d: string | null };
type Version = Values & { from: number; to: number | null; current: boolean; deleted: boolean };
type SourceRecord = { id: number; a: number | string | null; b: string | null; c: string | null; d: string | null; gone?: boolean };

/** mulberry32: a tiny seeded PRNG. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const KEYS = 12;
const RUNS = 7;

/** Generates the runs of one sequence: each run is the list of records the source delivers, in order. */
function generateRuns(random: () => number, load: 'full' | 'delta'): SourceRecord[][] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const state = new Map<number, Values>();
  const runs: SourceRecord[][] = [];
  for (let run = 1; run <= RUNS; run += 1) {
    const last = run === RUNS;
    const records: SourceRecord[] = [];
    for (let id = 1; id <= KEYS; id += 1) {
      if (random() > (load === 'full' ? 0.75 : 0.45)) continue;
      if (load === 'delta' && random() < 0.2) {
        records.push({ id, a: null, b: null, c: null, d: null, gone: true });
        continue;
      }
      const previous = state.get(id) ?? { a: 1, b: 'x', c: 'p', d: 'n0' };
      const next: Values = { ...previous };
      if (random() < 0.3) next.a = pick([1, 2, 3, null]);
      if (random() < 0.2) next.b = pick(['x', 'y', null]);
      if (random() < 0.3) next.c = pick(['p', 'q', 'r']);
      if (random() < 0.3) next.d = `n${run}`;
      state.set(id, next);
      const record: SourceRecord = { id, ...next, ...(load === 'delta' ? { gone: false } : {}) };
      // Now and then a value that does not cast (the whole record is rejected), never in the last full snapshot.
      records.push(!last && random() < 0.07 ? { ...record, a: 'not a number' } : record);
    }
    // Shuffle, then put decoys (earlier records of the same key, which must lose) before some records.
    for (let index = records.length - 1; index > 0; index -= 1) {
      const other = Math.floor(random() * (index + 1));
      [records[index], records[other]] = [records[other] as SourceRecord, records[index] as SourceRecord];
    }
    for (let index = records.length - 1; index >= 0; index -= 1) {
      if (random() < 0.15) {
        const target = records[index] as SourceRecord;
        records.splice(Math.floor(random() * (index + 1)), 0, { ...target, a: pick([7, 8, 'oops']), c: 'decoy', gone: load === 'delta' ? random() < 0.5 : undefined });
      }
    }
    runs.push(records);
  }
  return runs;
}

/** The reference model: the SCD2 rules applied record by record to plain arrays. */
function expectHistory(runs: readonly SourceRecord[][], load: 'full' | 'delta'): Map<number, Version[]> {
  const history = new Map<number, Version[]>();
  runs.forEach((records, index) => {
    const run = index + 1;
    const lastOfKey = new Map<number, SourceRecord>();
    for (const record of records) lastOfKey.set(record.id, record);
    for (const [id, record] of lastOfKey) {
      if (typeof record.a === 'string') continue; // rejected: present, unchanged
      const versions = history.get(id) ?? [];
      history.set(id, versions);
      const current = versions.find((version) => version.current);
      const incoming: Values = { a: record.a, b: record.b, c: record.c, d: record.d };
      if (record.gone === true) {
        if (current === undefined) versions.push({ ...incoming, from: run, to: null, current: true, deleted: true });
        else if (!current.deleted) {
          Object.assign(current, { to: run, current: false });
          versions.push({ ...current, from: run, to: null, current: true, deleted: true });
        }
        continue;
      }
      if (current === undefined) {
        versions.push({ ...incoming, from: run, to: null, current: true, deleted: false });
        continue;
      }
      const scd2Changed = current.a !== incoming.a || current.b !== incoming.b;
      if (current.deleted || scd2Changed || current.c !== incoming.c) {
        if (current.c !== incoming.c) for (const version of versions) version.c = incoming.c;
      }
      if (current.deleted || scd2Changed) {
        Object.assign(current, { to: run, current: false });
        versions.push({ ...incoming, from: run, to: null, current: true, deleted: false });
      }
    }
    if (load === 'full') {
      for (const [id, versions] of history) {
        const current = versions.find((version) => version.current);
        if (lastOfKey.has(id) || current === undefined || current.deleted) continue;
        Object.assign(current, { to: run, current: false });
        versions.push({ ...current, from: run, to: null, current: true, deleted: true });
      }
    }
  });
  return history;
}

const rowSchema = z.object({ id: z.number(), a: z.number().nullable(), b: z.string().nullable(), c: z.string().nullable(), d: z.string().nullable(), valid_from: z.date(), valid_to: z.date().nullable(), current: z.boolean(), deleted: z.boolean() });
const dayOf = (date: Date): number => Math.round((date.getTime() - Date.UTC(2026, 0, 1, 12)) / 86_400_000);

async function actualHistory(harness: LayerHarness, table: string): Promise<Map<number, Version[]>> {
  const rows = await harness.db.pool.any(sql.type(rowSchema)`
    SELECT id, a, b, c, d, _valid_from AS valid_from, _valid_to AS valid_to, _is_current AS current, _is_deleted AS deleted
    FROM ${sql.identifier(['silver', table])} ORDER BY id, _valid_from`);
  const history = new Map<number, Version[]>();
  for (const row of rows) {
    const versions = history.get(row.id) ?? [];
    history.set(row.id, versions);
    versions.push({ a: row.a, b: row.b, c: row.c, d: row.d, from: dayOf(row.valid_from), to: row.valid_to === null ? null : dayOf(row.valid_to), current: row.current, deleted: row.deleted });
  }
  return history;
}

const sorted = (history: Map<number, Version[]>): [number, Version[]][] => [...history].sort(([left], [right]) => left - right);

const property = suite<{ harness: LayerHarness }>('mergeSilver: random change sequences');

property.before(async (context) => {
  context.harness = await createLayerHarness();
});
property.after(async (context) => {
  await context.harness.drop();
});

for (const [load, seeds] of [['full', [11, 23, 37]], ['delta', [41, 53, 67]]] as const) {
  for (const seed of seeds) {
    property(`${load} load, seed ${seed}: silver history equals the reference model after every run`, async ({ harness }) => {
      const name = `${load}_${seed}`;
      const dataset = makeDataset('prop', {
        name,
        load,
        key: ['id'],
        // the reference model knows no deletion guard: accept every deletion
        ...(load === 'delta' ? { deleted_flag: 'gone' } : { max_delete_share: 1 }),
        columns: [
          { name: 'id', type: 'integer' },
          { name: 'a', type: 'integer' },
          { name: 'b', type: 'text' },
          { name: 'c', type: 'text', scd: 1 },
          { name: 'd', type: 'text', scd: 'none' },
        ],
      });
      const runs = generateRuns(createRandom(seed), load);
      for (let index = 0; index < runs.length; index += 1) {
        await harness.runSnapshot(dataset, runs[index] as SourceRecord[], { boundaryAt: day(index + 1), runId: `${name}-${index + 1}`, partSize: 4 });
        const expected = expectHistory(runs.slice(0, index + 1), load);
        assert.equal(sorted(await actualHistory(harness, `prop__${name}`)), sorted(expected), `history after run ${index + 1} (seed ${seed})`);
      }
      if (load === 'full') {
        // The current, non-deleted rows are exactly the last snapshot (last record of each key).
        const last = new Map((runs.at(-1) as SourceRecord[]).map((record) => [record.id, record]));
        const current = [...(await actualHistory(harness, `prop__${name}`))].flatMap(([id, versions]) => versions.filter((version) => version.current && !version.deleted).map((version) => [id, version.a, version.b, version.c]));
        assert.equal(current, [...last.values()].sort((left, right) => left.id - right.id).map((record) => [record.id, record.a, record.b, record.c]));
      }
    });
  }
}

property.run();
