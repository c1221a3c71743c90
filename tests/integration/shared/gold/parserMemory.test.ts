/**
 * The gold function stays inside its stack.yml memory limit while it checks models with Postgres' parser
 * (libpg-query, WebAssembly). Without `--liftoff-only` in its fprocess, V8's optimising tier recompiles the
 * parser in the background after a few parses and the process peaks above 600 MB: on faasd the kernel killed
 * the gold function (limit 256Mi) right after its first build, and gold steps got through only on retries.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { projectRoot } from '#platform/env.ts';
import { parseStack } from '#tools/gateway/parseStack.ts';
import { parseNodeFprocess } from '#tools/gateway/parseNodeFprocess.ts';

const MIB = 1024 * 1024;

const file = path.join(projectRoot, 'stack.yml');
const gold = parseStack(readFileSync(file, 'utf8'), file).functions.gold!;

function goldMemoryLimitBytes(): number {
  const limit = gold.limits?.memory;
  const match = /^(\d+)Mi$/.exec(limit ?? '');
  assert.ok(match !== null, `stack.yml gives gold a memory limit in Mi (found ${limit})`);
  return Number(match[1]) * MIB;
}

/** Parses every shipped gold model `rounds` times in a Node started with the gold function's Node options; its peak resident memory. */
function peakWhileParsing(rounds: number): number {
  const options = parseNodeFprocess(gold.fprocess);
  assert.ok(typeof options !== 'string', String(options));
  const script = `
    import { readdirSync, readFileSync } from 'node:fs';
    import { describeModelSql } from '#metadata/describeModelSql.ts';
    const models = readdirSync('metadata/gold').filter((file) => file.endsWith('.sql')).map((file) => readFileSync('metadata/gold/' + file, 'utf8'));
    for (let round = 0; round < ${rounds}; round += 1) {
      for (const sql of models) describeModelSql(sql);
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Background compilation finishes after the parses that triggered it.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    process.stdout.write(/VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
  `;
  const result = spawnSync(process.execPath, [...options, '--input-type=module', '-e', script], { cwd: projectRoot, encoding: 'utf8', timeout: 120_000 });
  assert.is(result.status, 0, result.stderr);
  return Number(result.stdout) * 1024;
}

test('the gold function, started as its stack.yml fprocess says, checks models over and over well inside its memory limit', () => {
  const limit = goldMemoryLimitBytes();
  const peak = peakWhileParsing(100);
  // The parser alone; the function's server, pools and data come on top of it, so half the limit at most.
  assert.ok(peak < limit / 2, `peak ${Math.round(peak / MIB)} MiB while parsing, limit ${limit / MIB} MiB`);
});

test.run();
