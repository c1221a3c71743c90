/**
 * The run store owns its tables: outside shared/pipeline/runStore/, no SQL of the deployed code, the
 * developer tools or the benchmarks reads or writes platform.runs or platform.run_steps.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { projectRoot } from '#platform/env.ts';

const STATEMENT = /\b(?:FROM|JOIN|INTO|UPDATE)\s+platform\.(?:runs|run_steps)\b/gi;
const OWNER = path.join('shared', 'pipeline', 'runStore');

function statementsIn(file: string): number {
  return [...readFileSync(path.join(projectRoot, file), 'utf8').matchAll(STATEMENT)].length;
}

test('only the run store has statements on platform.runs and platform.run_steps', () => {
  const files = ['shared', 'functions', 'tools', 'bench'].flatMap((folder) =>
    readdirSync(path.join(projectRoot, folder), { recursive: true, encoding: 'utf8' }).filter((entry) => entry.endsWith('.ts')).map((entry) => path.join(folder, entry)));
  const owned = files.filter((file) => file.startsWith(OWNER));
  assert.ok(owned.reduce((total, file) => total + statementsIn(file), 0) >= 20, 'the check finds the run store\'s own statements');
  const elsewhere = files.filter((file) => !file.startsWith(OWNER) && statementsIn(file) > 0);
  assert.equal(elsewhere, [], `statements on the run tables belong in ${OWNER}/:\n${elsewhere.join('\n')}`);
});

test.run();
