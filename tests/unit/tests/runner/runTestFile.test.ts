import path from 'node:path';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { projectRoot } from '#platform/env.ts';
import { runTestFile } from '../../../runner/runTestFile.ts';

const run = (name: string) =>
  runTestFile(path.join(projectRoot, 'tests', 'runner', 'fixtures', `${name}.fixture.ts`), { cwd: projectRoot, env: { ...process.env, NO_COLOR: '1' }, timeoutMs: 60_000 });

const counts = (result: { passed: number; failed: number; skipped: number }) => [result.passed, result.failed, result.skipped];

test('a passing file: the tests of every suite counted, skips apart', async () => {
  const result = await run('passing');
  assert.equal(counts(result), [3, 0, 1]);
  assert.is(result.file, path.join('tests', 'runner', 'fixtures', 'passing.fixture.ts'));
});

test('a failing test is counted and its message is in the output', async () => {
  const result = await run('failing');
  assert.equal(counts(result), [1, 1, 0]);
  assert.match(result.output, 'arithmetic went wrong');
});

test('a file that crashes at import, declares no test or exits before its tests end is one failure', async () => {
  const crashing = await run('crashing');
  assert.equal(counts(crashing), [0, 1, 0]);
  assert.match(crashing.output, 'broken at import');
  const empty = await run('empty');
  assert.equal(counts(empty), [0, 1, 0]);
  assert.match(empty.output, 'declares no test');
  assert.equal(counts(await run('exitsEarly')), [0, 1, 0]);
});

test('failing hooks fail their suite: a before hook every test of it, an after hook the suite, once', async () => {
  const result = await run('failingHooks');
  assert.equal(counts(result), [0, 3, 0]);
  assert.match(result.output, 'a before hook of the suite failed');
  assert.match(result.output, 'cleanup failed');
});

test('a file whose tests pass but whose process exits non-zero fails', async () => {
  const result = await run('exitCode');
  assert.equal(counts(result), [1, 1, 0]);
  assert.match(result.output, 'exited with 3');
});

test.run();
