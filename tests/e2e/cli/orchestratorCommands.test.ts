/**
 * `dp run --wait`, `dp runs` and `dp status` against the real orchestrator and step functions of
 * stack.yml behind the local gateway, on throwaway databases: the bank exports through every layer,
 * and a run that fails.
 */
import { cp } from 'node:fs/promises';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import type { CommandIo } from '#tools/cli/command.ts';
import { main } from '#tools/cli/main.ts';
import { projectRoot } from '#platform/env.ts';
import type { LocalGateway } from '#tools/gateway/createLocalGateway.ts';
import type { TestDatabase, TestMongo } from '#support/database.ts';
import { startStackWorld } from '#support/stackWorld.ts';

type Context = { db: TestDatabase; mongo: TestMongo; dir: string; gateway: LocalGateway; close: () => Promise<void> };
const cli = suite<Context>('dp commands against the orchestrator');

cli.before(async (context) => {
  const world = await startStackWorld({ only: ['orchestrator', 'files', 'ynab', 'bronze', 'silver', 'gold'], logLevel: 'error' });
  Object.assign(context, { db: world.db, mongo: world.mongo, dir: world.dir, gateway: world.gateway, close: world.close });
});

cli.after(async ({ close }) => close());

async function dp(args: readonly string[], gateway: LocalGateway): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = { out: (text) => out.push(text), err: (text) => err.push(text) };
  const code = await main([...args, `--gateway=${gateway.url}`], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

cli('dp run bank --wait follows both datasets through extract, bronze and silver and exits 0', async ({ dir, gateway }) => {
  await cp(path.join(projectRoot, 'metadata/samples/bank/snapshot-1'), path.join(dir, 'inbox', 'bank'), { recursive: true });
  const run = await dp(['run', 'bank', '--wait', '--timeout=120'], gateway);
  assert.is(run.code, 0, `${run.out}\n${run.err}`);
  assert.match(run.out, /bank\.accounts: started run \d{8}T\d{6}Z-[0-9a-f]{8}/);
  assert.match(run.out, /bank\.transactions\s+extract\s+succeeded\s+17 read/);
  assert.match(run.out, /bank\.transactions\s+bronze\s+succeeded\s+17 read, 17 inserted/);
  assert.match(run.out, /bank\.accounts\s+silver\s+succeeded\s+3 read, 3 inserted/);
  assert.match(run.out, /bank\.accounts: succeeded in /);
  assert.match(run.out, /bank\.transactions: succeeded in /);
});

cli('dp runs lists them newest first, the gold runs the change started included', async ({ gateway }) => {
  // the gold runs follow the silver change on their own; wait until none is active
  for (let tries = 0; tries < 100; tries += 1) {
    const active = await dp(['runs', '--status=running', '--json'], gateway);
    if ((JSON.parse(active.out) as { runs: unknown[] }).runs.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const runs = await dp(['runs'], gateway);
  assert.is(runs.code, 0, runs.err);
  assert.match(runs.out, /^RUN\s+DATASET\s+TRIGGER\s+STATUS/);
  assert.match(runs.out, /gold\.monthly_spending\s+event\s+succeeded/);
  assert.match(runs.out, /bank\.transactions\s+manual\s+succeeded/);
  const only = await dp(['runs', '--source=bank', '--json'], gateway);
  assert.equal([...new Set((JSON.parse(only.out) as { runs: { source: string }[] }).runs.map((entry) => entry.source))], ['bank']);
});

cli('dp status shows rows and freshness of the loaded datasets and the built models', async ({ gateway }) => {
  const status = await dp(['status'], gateway);
  assert.is(status.code, 0, status.err);
  assert.match(status.out, /bank\.transactions\s+full\s+succeeded \d.* ago\s+\d.* ago\s+17 \/ 17/);
  assert.match(status.out, /bank\.accounts\s+full\s+succeeded .*3 \/ 3/);
  assert.match(status.out, /ynab\.transactions\s+delta\s+never run\s+-\s+-/);
  assert.match(status.out, /gold\.monthly_spending\s+succeeded .* ago\s+\d+/);
});

cli('a run that fails makes dp run --wait exit 1 with the error; dp runs shows it', async ({ gateway }) => {
  const run = await dp(['run', 'ynab.budgets', '--wait', '--timeout=60'], gateway);
  assert.is(run.code, 1, run.out);
  assert.match(run.out, /ynab\.budgets\s+extract\s+failed\s+.*secret\.not_found/);
  assert.match(run.out, /ynab\.budgets: FAILED after .* \[secret\.not_found\]/);
  const runs = await dp(['runs', '--status=failed'], gateway);
  assert.match(runs.out, /ynab\.budgets\s+manual\s+failed\s+.*secret\.not_found: /);
});

cli.run();
