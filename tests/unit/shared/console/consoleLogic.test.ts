import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { describeErrorHint } from '#console/describeErrorHint.ts';
import { describeFreshness } from '#console/describeFreshness.ts';
import { layoutLineage, NODE_HEIGHT, NODE_WIDTH, type LineageNode } from '#console/layoutLineage.ts';

const at = (iso: string): number => Date.parse(iso);

test('freshness against a schedule: fresh after the last slot, due just after it, stale once a slot went by, never, unscheduled', () => {
  const now = at('2026-03-01T12:20:00Z');
  const every15 = '*/15 * * * *';
  assert.equal(describeFreshness(every15, new Date('2026-03-01T12:16:00Z'), now), { state: 'fresh', nextAt: new Date('2026-03-01T12:30:00Z') });
  assert.is(describeFreshness(every15, new Date('2026-03-01T12:10:00Z'), at('2026-03-01T12:16:00Z')).state, 'due', 'the 12:15 slot fired a minute ago');
  assert.is(describeFreshness(every15, new Date('2026-03-01T12:10:00Z'), now).state, 'stale', 'the 12:15 slot went by five minutes ago without a success');
  assert.is(describeFreshness('0 6 * * *', new Date('2026-03-01T06:00:30Z'), now).state, 'fresh');
  assert.is(describeFreshness('0 6 * * *', new Date('2026-02-28T06:00:30Z'), now).state, 'stale', 'a day missed');
  assert.equal(describeFreshness(every15, null, now), { state: 'never', nextAt: new Date('2026-03-01T12:30:00Z') });
  assert.equal(describeFreshness(null, new Date(now), now), { state: 'unscheduled', nextAt: null });
  assert.is(describeFreshness('@every 30m', new Date('2026-03-01T12:01:00Z'), now).state, 'fresh');
});

test('the lineage layout: sources, datasets, then models by depth; no two nodes overlap', () => {
  const node = (id: string, kind: LineageNode['kind']): LineageNode => ({ id, kind, label: id, status: 'succeeded', note: '', href: '#' });
  const nodes = [
    node('source:bank', 'source'), node('source:ynab', 'source'),
    node('bank.accounts', 'dataset'), node('bank.transactions', 'dataset'), node('ynab.budgets', 'dataset'),
    node('gold.monthly', 'model'), node('gold.yearly', 'model'), node('gold.dashboard', 'model'),
  ];
  const edges = [
    { from: 'source:bank', to: 'bank.accounts' }, { from: 'source:bank', to: 'bank.transactions' }, { from: 'source:ynab', to: 'ynab.budgets' },
    { from: 'bank.transactions', to: 'gold.monthly' }, { from: 'bank.accounts', to: 'gold.monthly' },
    { from: 'gold.monthly', to: 'gold.yearly' }, { from: 'gold.yearly', to: 'gold.dashboard' }, { from: 'ynab.budgets', to: 'gold.dashboard' },
  ];
  const layout = layoutLineage(nodes, edges);
  const column = Object.fromEntries(layout.nodes.map((placed) => [placed.id, placed.column]));
  assert.equal(column, { 'source:bank': 0, 'source:ynab': 0, 'bank.accounts': 1, 'bank.transactions': 1, 'ynab.budgets': 1, 'gold.monthly': 2, 'gold.yearly': 3, 'gold.dashboard': 4 });
  for (const [index, a] of layout.nodes.entries()) {
    for (const b of layout.nodes.slice(index + 1)) {
      const apart = a.x + NODE_WIDTH <= b.x || b.x + NODE_WIDTH <= a.x || a.y + NODE_HEIGHT <= b.y || b.y + NODE_HEIGHT <= a.y;
      assert.ok(apart, `${a.id} and ${b.id} overlap`);
    }
    assert.ok(a.x + NODE_WIDTH <= layout.width && a.y + NODE_HEIGHT <= layout.height, `${a.id} inside the picture`);
  }
  const y = Object.fromEntries(layout.nodes.map((placed) => [placed.id, placed.y]));
  assert.is(y['source:bank'], (y['bank.accounts']! + y['bank.transactions']!) / 2, 'a source sits in the middle of its datasets');
});

test('every error gets what to do, by its code', () => {
  assert.match(describeErrorHint('secret.not_found', false), /faas-cli secret create/);
  assert.match(describeErrorHint('step.timeout', true), /^The orchestrator retries this step[\s\S]*DP_STEP_BUDGET_MS/);
  assert.match(describeErrorHint('something.new', false), /dp run <source>\.<dataset>/);
});

test.run();
