import path from 'node:path';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { getConnector } from '#connectors/registry.ts';
import { projectRoot } from '#platform/env.ts';
import { connectorSettings } from '#metadata/connectorSettings.ts';
import { readMetadataFolder } from '#metadata/readMetadataFolder.ts';
import { validateMetadata } from '#metadata/validateMetadata.ts';

test('the shipped metadata examples use settings their connectors accept', async () => {
  const validation = validateMetadata(await readMetadataFolder(path.join(projectRoot, 'metadata')), { connectors: connectorSettings });
  assert.ok(validation.metadata !== undefined, JSON.stringify(validation, null, 2).slice(0, 2000));
  const sources = validation.metadata?.sources ?? [];
  assert.equal(sources.map((source) => source.connector).sort(), ['files', 'rest', 'ynab']);
  for (const source of sources) {
    for (const dataset of source.datasets) {
      getConnector(source.connector).parseSettings({ source, dataset });
    }
  }
});

test('metadata validation reports connector settings with the file, path and allowed values', () => {
  const yaml = ['source: demo', 'connector: rest', 'config:', '  base_url: https://api.example', '  auth: { type: bearer }', 'secrets:', '  tokn: demo_token', 'datasets:', '  - name: items', '    load: full', '    key: [id]', '    columns: [{ name: id, type: text }]', '    extract:', '      paginator: { type: pages }', ''].join('\n');
  const validation = validateMetadata([{ path: 'demo.yml', text: yaml }], { connectors: connectorSettings });
  assert.is(validation.metadata, undefined);
  const text = JSON.stringify(validation);
  assert.match(text, 'extract');
  assert.match(text, 'paginator');
  assert.match(text, 'tokn');
});

test.run();
