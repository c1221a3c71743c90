/**
 * What may import what (docs/architecture.md): deployed code — functions/, shared/ and the template —
 * never imports the developer tools, the tests or the benchmarks, which stay out of every image. The
 * template stands on its own (Node builtins and its own files only); the platform takes the
 * function contract from it with `import type`, which Node erases, so nothing of the template is
 * loaded through the platform at run time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { projectRoot } from '#platform/env.ts';

const SPECIFIER = /(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g;
/** A whole import statement: `import type { X } from '…'`, `import { a, type B } from '…'`, `import '…'`, `export … from '…'`. */
const STATEMENT = /^\s*(?:(?:import|export)\b[^;'"]*?\bfrom\s*|import\s*)['"]([^'"]+)['"]/gm;

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

/** Every module `file` loads at run time: its specifiers, minus `import type` statements (erased by type stripping). */
function imports(file: string): Array<{ specifier: string; typeOnly: boolean }> {
  const text = readFileSync(path.join(projectRoot, file), 'utf8');
  const statements = [...text.matchAll(STATEMENT)].map((match) => ({ specifier: match[1]!, typeOnly: /^\s*(import|export)\s+type\b/.test(match[0]) }));
  const dynamic = [...text.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]/g)].map((match) => ({ specifier: match[1]!, typeOnly: false }));
  return [...statements, ...dynamic];
}

test('template/ imports nothing but Node builtins and its own files', () => {
  const files = sourceFiles('template');
  assert.ok(files.length > 0);
  const offending = files.flatMap((file) =>
    imports(file)
      .filter(({ specifier }) => {
        if (specifier.startsWith('node:')) return false;
        if (!specifier.startsWith('.')) return true;
        return path.dirname(path.resolve(projectRoot, path.dirname(file), specifier)) !== path.resolve(projectRoot, path.dirname(file));
      })
      .map(({ specifier }) => `${file} → ${specifier}`),
  );
  assert.equal(offending, [], `the template must stand on its own:\n${offending.join('\n')}`);
  const manifest = JSON.parse(readFileSync(path.join(projectRoot, 'template', 'node24-ts', 'package.json'), 'utf8')) as Record<string, unknown>;
  assert.equal([manifest.type, manifest.dependencies], ['module', undefined], 'the template has its own package.json, type module, no dependencies');
});

test('shared/ and functions/ take the function contract from the template with `import type` only', () => {
  const offending = ['shared', 'functions'].flatMap((folder) =>
    sourceFiles(folder).flatMap((file) =>
      imports(file)
        .filter(({ specifier, typeOnly }) => !typeOnly && (specifier.startsWith('#template/') || specifier.includes('template/node24-ts')))
        .map(({ specifier }) => `${file} → ${specifier}`),
    ),
  );
  assert.equal(offending, [], `a value import from the template would not resolve in the image (only function/ is there):\n${offending.join('\n')}`);
});

test('the checks see a value import from the template and a package import in it', () => {
  assert.ok(imports('tests/support/callHandler.ts').some(({ specifier, typeOnly }) => specifier === '#template/createFunctionContext.ts' && !typeOnly));
  assert.ok(imports('tests/support/callHandler.ts').some(({ specifier, typeOnly }) => specifier === '#template/functionContract.ts' && typeOnly));
});

test('the check sees an import into tools/ when there is one', () => {
  // The dev gateway's stack parser, seen from a deployed folder, is what the rule forbids.
  assert.equal(forbiddenImports('tests/support/assembleBuildContext.ts').length, 1);
});

test.run();
