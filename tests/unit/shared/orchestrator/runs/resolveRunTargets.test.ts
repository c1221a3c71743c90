import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { validateMetadata } from '#metadata/validateMetadata.ts';
import { resolveRunTargets } from '#orchestrator/runs/resolveRunTargets.ts';

const test = suite('resolveRunTargets');

const metadata = validateMetadata([
  { path: 'a.yml', text: 'source: a\nconnector: files\ndatasets:\n  - { name: x, load: delta, key: [id], columns: [{ name: id, type: bigint }] }\n  - { name: y, load: full, key: [id], columns: [{ name: id, type: bigint }], trigger: { schedule: "@hourly" } }\n' },
  { path: 'b.yml', text: 'source: b\nconnector: rest\ndatasets:\n  - { name: z, load: full, key: [id], columns: [{ name: id, type: bigint }] }\n' },
]).metadata!;

const names = (targets: ReturnType<typeof resolveRunTargets>) => targets.map((target) => (target.kind === 'dataset' ? `${target.source.source}.${target.dataset.name}:${target.load}` : target.model));

test('a source names all its datasets; a dataset names one; full turns a delta load into a full one', () => {
  assert.equal(names(resolveRunTargets(metadata, { source: 'a', full: false, trigger: 'manual' })), ['a.x:delta', 'a.y:full']);
  assert.equal(names(resolveRunTargets(metadata, { source: 'a', dataset: 'x', full: true, trigger: 'manual' })), ['a.x:full']);
});

test("a connector's schedule leaves out datasets with their own schedule; a manual connector start does not", () => {
  assert.equal(names(resolveRunTargets(metadata, { connector: 'files', full: false, trigger: 'schedule' })), ['a.x:delta']);
  assert.equal(names(resolveRunTargets(metadata, { connector: 'files', full: false, trigger: 'manual' })), ['a.x:delta', 'a.y:full']);
  assert.equal(names(resolveRunTargets(metadata, { connector: 'ynab', full: false, trigger: 'schedule' })), []);
});

test.run();
