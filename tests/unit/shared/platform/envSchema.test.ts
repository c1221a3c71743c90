import { readFileSync } from 'node:fs';
import path from 'node:path';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { projectRoot } from '#platform/env.ts';
import { envSchema } from '#platform/envSchema.ts';

/** The names in the first cell of every table row of docs/configuration.md. */
function documentedKeys(): Set<string> {
  const page = readFileSync(path.join(projectRoot, 'docs', 'configuration.md'), 'utf8');
  const keys = page
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((match) => match[1]!));
  return new Set(keys);
}

test('every key of the schema says what it is for', () => {
  const silent = Object.entries(envSchema.shape).filter(([, schema]) => !schema.description);
  assert.equal(silent.map(([key]) => key), []);
});

test('docs/configuration.md lists exactly the keys the platform reads', () => {
  // The template reads its own keys (template/node24-ts/readServerSettings.ts); secrets of the `env` provider are a family.
  const templateKeys = readFileSync(path.join(projectRoot, 'template', 'node24-ts', 'readServerSettings.ts'), 'utf8').match(/\bDP_[A-Z0-9_]+\b/g) ?? [];
  const expected = new Set([...Object.keys(envSchema.shape), ...templateKeys, 'DP_SECRET_<NAME>']);
  const documented = documentedKeys();
  assert.equal([...expected].filter((key) => !documented.has(key)).sort(), [], 'read but not documented');
  assert.equal([...documented].filter((key) => !expected.has(key)).sort(), [], 'documented but not read');
});

test.run();
