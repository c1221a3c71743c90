import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { ConfigError } from '#platform/errors.ts';
import { parseStack, type Stack } from '#tools/gateway/parseStack.ts';
import { parseNodeFprocess } from '#tools/gateway/parseNodeFprocess.ts';
import { validateStack } from '#tools/gateway/validateStack.ts';

/** A folder with template/node24-ts, functions/<name>/handler.ts, shared/ and the package files. */
function project(functionNames: readonly string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-stack-'));
  mkdirSync(path.join(dir, 'template', 'node24-ts'), { recursive: true });
  writeFileSync(path.join(dir, 'template', 'node24-ts', 'template.yml'), 'language: node24-ts\n');
  mkdirSync(path.join(dir, 'shared'));
  writeFileSync(path.join(dir, 'package.json'), '{}');
  writeFileSync(path.join(dir, 'package-lock.json'), '{}');
  for (const name of functionNames) {
    mkdirSync(path.join(dir, 'functions', name), { recursive: true });
    writeFileSync(path.join(dir, 'functions', name, 'handler.ts'), 'export default () => 1;\n');
  }
  return dir;
}

const fn = (name: string, extra = ''): string => `  ${name}:\n    lang: node24-ts\n    handler: ./functions/${name}\n    image: example/${name}:1\n    limits:\n      memory: 128Mi\n${extra}`;
const stackText = (functions: string, provider = 'openfaas'): string =>
  `version: 1.0\nprovider:\n  name: ${provider}\nconfiguration:\n  copy: [./shared, ./package.json, ./package-lock.json]\nfunctions:\n${functions}`;

function check(dir: string, text: string): string[] {
  return validateStack(parseStack(text, 'stack.yml'), { stackDir: dir });
}

test('a stack that follows the rules has no problems', () => {
  const dir = project(['alpha']);
  try {
    assert.equal(check(dir, stackText(fn('alpha', '    annotations:\n      topic: cron-function\n      schedule: "@hourly"\n    secrets: [database-url]\n    environment:\n      exec_timeout: 50s\n      write_timeout: 60s\n'))), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('each broken rule is reported with the function and field to fix', () => {
  const dir = project(['alpha', 'beta']);
  try {
    const problems = check(
      dir,
      stackText(
        [
          fn('alpha', '    secrets: ["postgres://user:hunter2@db/x"]\n    environment:\n      exec_timeout: 90s\n    annotations:\n      topic: cron-function\n      schedule: "* * * * * *"\n'),
          '  beta:\n    lang: python3\n    handler: ./functions/gamma\n    image: example/beta:1\n    annotations:\n      schedule: "@daily"\n',
        ].join(''),
        'aws',
      ),
    );
    const expect = [
      /provider\.name is "aws"/,
      /functions\.alpha\.secrets\[0\] is not a secret name/,
      /functions\.alpha\.environment\.exec_timeout is 90s/,
      /functions\.alpha\.annotations\.schedule: .*6 fields/,
      /functions\.beta\.lang is python3, but template\/python3\/template\.yml does not exist/,
      /functions\.beta\.handler is \.\/functions\/gamma, which is not a folder/,
      /functions\.beta\.limits\.memory is missing/,
      /functions\.beta\.annotations has a schedule but topic is undefined/,
    ];
    for (const pattern of expect) {
      assert.ok(problems.some((problem) => pattern.test(problem)), `expected a problem matching ${pattern}; got:\n${problems.join('\n')}`);
    }
    assert.not.ok(problems.join('\n').includes('hunter2'), 'a secret value put where a name belongs is not echoed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('more than 15 functions break the OpenFaaS CE limit', () => {
  const names = Array.from({ length: 16 }, (_, index) => `f${index}`);
  const dir = project(names);
  try {
    const problems = check(dir, stackText(names.map((name) => fn(name)).join('')));
    assert.equal(problems, ['16 functions are declared; OpenFaaS CE (faasd) serves at most 15 — merge functions or drop some.']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('exec_timeout must stay below write_timeout; configuration.copy must bring shared/ and the package files', () => {
  const dir = project(['alpha']);
  try {
    const text = stackText(fn('alpha', '    environment:\n      exec_timeout: 60s\n      write_timeout: 60s\n')).replace('copy: [./shared, ./package.json, ./package-lock.json]', 'copy: [./shared]');
    const problems = check(dir, text);
    assert.ok(problems.some((problem) => /exec_timeout \(60s\) must be below write_timeout/.test(problem)));
    assert.ok(problems.some((problem) => /configuration\.copy lacks \.\/package\.json/.test(problem)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a node24-ts fprocess is the template entrypoint with Node options before it', () => {
  const dir = project(['alpha', 'beta', 'gamma']);
  try {
    const text = stackText(`${fn('alpha', '    fprocess: node --liftoff-only --stack-trace-limit=20 index.ts\n')}${fn('beta', '    fprocess: node server.js\n')}${fn('gamma', '    fprocess: node index.ts; rm -rf /\n')}`);
    const problems = check(dir, text);
    assert.is(problems.length, 2, problems.join('\n'));
    assert.match(problems[0] ?? '', /^functions\.beta\.fprocess is "node server\.js"; .*node \[--option …\] index\.ts/);
    assert.match(problems[1] ?? '', /^functions\.gamma\.fprocess/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parseNodeFprocess gives the Node options of an fprocess, none without one', () => {
  assert.equal(parseNodeFprocess(undefined), []);
  assert.equal(parseNodeFprocess('node index.ts'), []);
  assert.equal(parseNodeFprocess('  node   --liftoff-only --max-semi-space-size=8 index.ts '), ['--liftoff-only', '--max-semi-space-size=8']);
  assert.type(parseNodeFprocess('node --liftoff-only other.ts'), 'string');
  assert.type(parseNodeFprocess('bun index.ts'), 'string');
  assert.type(parseNodeFprocess('node -e x index.ts'), 'string');
});

test('the schema catches misspelt keys and bad names with the path, and YAML merge keys are honoured', () => {
  assert.throws(() => parseStack(stackText(fn('alpha', '    anotations:\n      topic: x\n')), 'stack.yml'), (error: unknown) => error instanceof ConfigError && /functions\.alpha/.test(error.message) && /anotations/.test(error.message));
  assert.throws(() => parseStack(stackText(fn('Alpha_1')), 'stack.yml'), (error: unknown) => error instanceof ConfigError && /not a function name/.test(error.message));
  assert.throws(() => parseStack('functions: [', 'broken.yml'), (error: unknown) => error instanceof ConfigError && (error as ConfigError).code === 'stack.invalid_yaml' && /broken\.yml/.test(error.message));
  const merged: Stack = parseStack(`x-env: &env\n  A: "1"\n${stackText(fn('alpha', '    environment:\n      <<: *env\n      B: 2\n'))}`, 'stack.yml');
  assert.equal(merged.functions.alpha!.environment, { A: '1', B: '2' });
});

test.run();
