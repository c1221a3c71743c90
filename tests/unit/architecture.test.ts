/**
 * What may import what (docs/architecture.md): deployed code — functions/, shared/ and the template —
 * never imports the developer tools, the tests or the benchmarks, which stay out of every image.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { projectRoot } from '#platform/env.ts';

const SPECIFIER = /(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g;

function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(projectRoot, folder), { recursive: true, encoding: 'utf8' })
    .filter((entry) => entry.endsWith('.ts'))
    .map((entry) => path.join(folder, entry));
}

/** Every import of `file` that leads into tools/, tests/ or bench/, by alias or by relative path. */
function forbiddenImports(file: string): string[] {
  const text = readFileSync(path.join(projectRoot, file), 'utf8');
  return [...text.matchAll(SPECIFIER)]
    .map((match) => match[1]!)
    .filter((specifier) => {
      if (/^#(tools|support)\//.test(specifier)) return true;
      if (!specifier.startsWith('.')) return false;
      const top = path.relative(projectRoot, path.resolve(projectRoot, path.dirname(file), specifier)).split(path.sep)[0];
      return top === 'tools' || top === 'tests' || top === 'bench';
    });
}

for (const folder of ['shared', 'functions', 'template']) {
  test(`${folder}/ imports nothing from tools/, tests/ or bench/`, () => {
    const files = sourceFiles(folder);
    assert.ok(files.length > 0, `${folder}/ has TypeScript files`);
    const offending = files.flatMap((file) => forbiddenImports(file).map((specifier) => `${file} → ${specifier}`));
    assert.equal(offending, [], `deployed code must not import developer tools:\n${offending.join('\n')}`);
  });
}

test('the check sees an import into tools/ when there is one', () => {
  // The dev gateway's stack parser, seen from a deployed folder, is what the rule forbids.
  assert.equal(forbiddenImports('tests/support/assembleBuildContext.ts').length, 1);
});

test.run();
