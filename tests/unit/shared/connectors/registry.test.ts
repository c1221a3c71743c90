import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { connectors, getConnector, validateConnectorSettings } from '#connectors/registry.ts';
import { ConfigError, NotFoundError } from '#platform/errors.ts';
import { datasetSchema, sourceSchema } from '#metadata/schema.ts';

const ref = (connector: string, config: Record<string, unknown>, name: string, extract: Record<string, unknown>) => {
  const dataset = datasetSchema.parse({ name, load: 'delta', key: ['id'], columns: [{ name: 'id', type: 'text' }], extract });
  return { source: sourceSchema.parse({ source: 'demo', connector, config, datasets: [dataset] }), dataset };
};

test('the registry maps rest, ynab and files to their connectors', () => {
  assert.equal(Object.keys(connectors).sort(), ['files', 'rest', 'ynab']);
  for (const kind of ['rest', 'ynab', 'files']) assert.is(getConnector(kind).kind, kind);
});

test('an unknown kind is a NotFoundError listing the kinds', () => {
  try {
    getConnector('strava');
    assert.unreachable('unknown');
  } catch (error) {
    assert.instance(error, NotFoundError);
    assert.match((error as Error).message, 'rest, ynab, files');
  }
  assert.throws(() => getConnector('toString'), (error: unknown) => error instanceof NotFoundError);
});

test('each connector checks its own settings with errors naming source, dataset and key', () => {
  validateConnectorSettings(ref('files', {}, 'transactions', { format: 'csv', delimiter: ';' }));
  validateConnectorSettings(ref('ynab', {}, 'transactions', {}));
  const cases: [string, Record<string, unknown>, string, Record<string, unknown>, string][] = [
    ['files', {}, 'transactions', { format: 'xlsx' }, 'dataset `demo.transactions` extract.format: must be csv, json or jsonl'],
    ['files', {}, 'transactions', { encoding: 'klingon' }, 'extract.encoding: is not a text encoding'],
    ['files', { inbox_dir: '/x' }, 'transactions', {}, 'source `demo` config'],
    ['files', {}, 'transactions', { header: false }, 'extract.columns: is required when header is false'],
    ['ynab', { budget_ids: [] }, 'transactions', {}, 'source `demo` config.budget_ids'],
    ['ynab', { budget_id: 'a', budget_ids: ['b'] }, 'transactions', {}, 'set budget_id or budget_ids, not both'],
    ['rest', {}, 'items', { paginator: { type: 'cursor' } }, 'extract.paginator.cursor_path'],
  ];
  for (const [connector, config, name, extract, message] of cases) {
    try {
      validateConnectorSettings(ref(connector, config, name, extract));
      assert.unreachable(message);
    } catch (error) {
      assert.instance(error, ConfigError);
      assert.match((error as Error).message, message);
    }
  }
});

test.run();
