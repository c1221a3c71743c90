/**
 * What may import what (docs/architecture.md): deployed code — functions/, shared/ and the template —
 * never imports the developer tools, the tests or the benchmarks, which stay out of every image. The
 * template stands on its own (Node builtins and its own files only); the platform takes the
 * function contract from it with `import type`, which Node erases, so nothing of the template is
 * loaded through the platform at run time.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

for (const folder of ['shared', 'functions', 'template', 'faasd']) {
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

/**
 * The import table of docs/architecture.md: for each folder of shared/ (and functions/, template/, tools/…),
 * the folders it may import. A cell lists backticked names: `platform`, `shared/`, `tools/`, `template`, …
 */
type Rule = { readonly folder: string; readonly allowed: readonly string[]; readonly nothing: boolean };

function readImportTable(): Rule[] {
  const text = readFileSync(path.join(projectRoot, 'docs', 'architecture.md'), 'utf8');
  const rules: Rule[] = [];
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 5 || !/^`[a-z0-9/-]+\/`$/.test(cells[1]!)) continue;
    const folder = cells[1]!.slice(1, -1).replace(/\/$/, '');
    const allowedCell = cells[3]!;
    const allowed = [...allowedCell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!.replace(/\/$/, ''));
    rules.push({ folder, allowed, nothing: /^nothing\b/.test(allowedCell) });
  }
  return rules;
}

/** The folder an import lands in, as the table names it (`shared/silver`, `tools/gateway`, `template/node24-ts`), or null for packages. */
function targetFolder(file: string, specifier: string): string | null {
  const alias = /^#([a-z]+)\/(.*)$/.exec(specifier);
  let target: string;
  if (alias !== null) {
    const [, name, rest] = alias;
    const base = name === 'tools' ? 'tools' : name === 'support' ? 'tests/support' : name === 'template' ? 'template/node24-ts' : `shared/${name}`;
    target = path.posix.join(base, rest!);
  } else if (specifier.startsWith('.')) {
    target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
  } else {
    return null;
  }
  const parts = target.split('/');
  return parts[0] === 'shared' || parts[0] === 'tools' || parts[0] === 'template' ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Whether an import from `from` into the folder `to` is allowed by `rule` (type-only imports of the template count as `template`). */
function allows(rule: Rule, from: string, to: string): boolean {
  if (to === from || to.startsWith(`${from}/`)) return true;
  return rule.allowed.some((name) => {
    if (name === 'shared' || name === 'tools') return to.split('/')[0] === name;
    if (name === 'template') return to === 'template/node24-ts';
    if (name.includes('/')) return to === name;
    return to === `shared/${name}`;
  });
}

const rules = readImportTable();
const ruleOf = (folder: string): Rule | undefined => rules.find((rule) => rule.folder === folder);

test('docs/architecture.md names every folder of shared/ and tools/, and only folders that exist', () => {
  const listed = new Set(rules.map((rule) => rule.folder));
  const folders = ['shared', 'tools'].flatMap((top) =>
    readdirSync(path.join(projectRoot, top)).filter((entry) => statSync(path.join(projectRoot, top, entry)).isDirectory()).map((entry) => `${top}/${entry}`),
  );
  const missing = folders.filter((folder) => !listed.has(folder));
  assert.equal(missing, [], `add these folders to the table in docs/architecture.md (what lives there, what they may import):\n${missing.join('\n')}`);
  const ghosts = [...listed].filter((folder) => !existsSync(path.join(projectRoot, folder)));
  assert.equal(ghosts, [], `docs/architecture.md names folders that do not exist:\n${ghosts.join('\n')}`);
});

test('every import crosses only the lines docs/architecture.md allows', () => {
  const offending: string[] = [];
  for (const rule of rules) {
    if (rule.nothing || rule.folder === 'template/node24-ts') continue; // the template's own test above is stricter
    for (const file of sourceFiles(rule.folder)) {
      const fromFolder = file.split('/')[0] === 'functions' ? 'functions' : file.split('/').slice(0, 2).join('/');
      for (const { specifier } of imports(file)) {
        const to = targetFolder(file, specifier);
        if (to === null) continue;
        if (!allows(rule, fromFolder, to)) offending.push(`${file} → ${specifier} (${fromFolder} may import: ${rule.allowed.join(', ') || 'nothing'})`);
      }
    }
  }
  assert.equal(offending, [], `imports the table in docs/architecture.md does not allow — change the code, or the table with a reason:\n${offending.join('\n')}`);
});

test('the table check sees a forbidden import: silver reading the orchestrator', () => {
  const silver = ruleOf('shared/silver');
  assert.ok(silver !== undefined, 'shared/silver is in the table');
  assert.not.ok(allows(silver, 'shared/silver', targetFolder('shared/silver/x.ts', '#orchestrator/api/readStatus.ts')!));
  assert.ok(allows(silver, 'shared/silver', targetFolder('shared/silver/x.ts', '#bronze/readBronzeRun.ts')!));
  assert.ok(allows(ruleOf('tools/cli')!, 'tools/cli', targetFolder('tools/cli/x.ts', '#tools/gateway/createLocalGateway.ts')!));
});

test('the check sees an import into tools/ when there is one', () => {
  // The dev gateway's stack parser, seen from a deployed folder, is what the rule forbids.
  assert.equal(forbiddenImports('tests/support/assembleBuildContext.ts').length, 1);
});

test.run();
