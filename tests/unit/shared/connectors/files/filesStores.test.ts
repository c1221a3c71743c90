/** Where a files dataset reads and archives, as key prefixes of the inbox and archive stores. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { filesLocations } from '#connectors/files/filesStores.ts';
import { filesConfigSchema, filesExtractSchema } from '#connectors/files/filesSettings.ts';
import { datasetRef } from '#support/connectorHarness.ts';

const ref = datasetRef({ source: 'bank', connector: 'files' }, { name: 'transactions' });
const locate = (config: Record<string, unknown>, extract: Record<string, unknown>) => filesLocations(ref, filesConfigSchema.parse(config), filesExtractSchema.parse(extract));

test('defaults: <source>/<dataset>/ for inbox and archive; a pattern adds the source inbox', () => {
  assert.equal(locate({}, {}), { inbox: 'bank/transactions/', sharedInbox: undefined, archive: 'bank/transactions/' });
  assert.equal(locate({ inbox: 'exports/bank', archive: 'done' }, { pattern: 'tx*.csv' }), { inbox: 'exports/bank/transactions/', sharedInbox: 'exports/bank/', archive: 'done/transactions/' });
  assert.equal(locate({}, { inbox: './drop/', archive: 'kept' }), { inbox: 'drop/', sharedInbox: undefined, archive: 'kept/' });
});

test('a folder that leaves the store is refused, naming the dataset and the setting', () => {
  for (const [config, extract, setting] of [[{ inbox: '../etc' }, {}, 'config.inbox'], [{}, { archive: '/var/tmp' }, 'extract.archive'], [{}, { inbox: 'a/../..' }, 'extract.inbox']] as const) {
    assert.throws(() => locate(config, extract), new RegExp(`dataset bank\\.transactions: ${setting.replace('.', '\\.')} is .*which leaves the inbox or archive`));
  }
});

test.run();
