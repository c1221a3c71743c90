/**
 * The test command: brings up the services the tests need, type-checks, runs every test file
 * in its own process (uvu through tsx; each reports its counts as JSON, runner/runTestFile.ts), and
 * ends with the plain line `N passed, N failed`.
 *
 *   npm test                       every file under tests/unit, tests/integration, tests/e2e, and the faasd
 *                                  suite (tests/faasd) when this machine can run it — else one line says why
 *   npm test -- tests/unit         only files under the given folders or files
 *   npm test -- --no-typecheck     skip the type-check (quicker while iterating)
 *   npm run test:faasd             the faasd suite alone
 */
import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { getEnv, projectRoot } from '#platform/env.ts';
import { createLogger } from '#platform/log.ts';
import { detectDocker, startContainers, type StartedContainers } from '#tools/services/containers.ts';
import { checkFaasdKit } from '#support/faasd/faasdKit.ts';
import { ensureServices, stopServices } from '#tools/services/services.ts';
import { runTestFile, type FileResult } from './runner/runTestFile.ts';

const SUITES = ['tests/unit', 'tests/integration', 'tests/e2e', 'tests/faasd'];
const FILE_TIMEOUT_MS = 10 * 60_000;
/** The faasd suite builds seven images and waits for schedules: it gets longer, and runs alone, after the rest. */
const FAASD_FILE_TIMEOUT_MS = 25 * 60_000;
const isFaasdFile = (file: string): boolean => file.includes(`${path.sep}tests${path.sep}faasd${path.sep}`);

async function findTestFiles(target: string): Promise<string[]> {
  const full = path.resolve(projectRoot, target);
  const info = await stat(full).catch(() => undefined);
  if (info === undefined) {
    return [];
  }
  if (info.isFile()) {
    return full.endsWith('.test.ts') ? [full] : [];
  }
  const entries = await readdir(full, { recursive: true });
  return entries.filter((entry) => entry.endsWith('.test.ts')).map((entry) => path.join(full, entry)).sort();
}

function runProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      output += `\n[test runner] killed after ${timeoutMs / 1000}s`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

async function typecheck(): Promise<FileResult> {
  const started = Date.now();
  const tsc = path.join(projectRoot, 'node_modules', '.bin', 'tsc');
  const { code, output } = await runProcess(tsc, ['-p', 'tsconfig.json', '--noEmit'], process.env, 300_000);
  return { file: 'typecheck (tsc --noEmit)', passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0, ms: Date.now() - started, output };
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const skipTypecheck = args.includes('--no-typecheck');
  const targets = args.filter((arg) => !arg.startsWith('--'));
  const env = getEnv();
  const log = createLogger({ format: 'text', fields: {}, sink: (line) => process.stderr.write(`[services] ${line}\n`) });

  const found = (await Promise.all((targets.length > 0 ? targets : SUITES).map(findTestFiles))).flat();
  // The faasd suite needs the kit's programs and root; without them it is skipped with one line saying why.
  const kit = checkFaasdKit();
  if (!kit.ready && found.some(isFaasdFile)) {
    process.stdout.write(`skip tests/faasd (the faasd suite): ${kit.reason}\n`);
  }
  const files = found.filter((file) => kit.ready || !isFaasdFile(file));
  const faasdFiles = files.filter(isFaasdFile);

  let containers: StartedContainers | undefined;
  let startedLocal = false;
  let databaseUrl = env.databaseUrl;
  let mongodbUrl = env.mongodbUrl;
  const needsServices = files.some((file) => !file.includes(`${path.sep}unit${path.sep}`) && !isFaasdFile(file));
  if (needsServices) {
    if (!env.databaseUrlFromEnv && !env.mongodbUrlFromEnv && env.useContainers && (await detectDocker(env.dockerHost))) {
      containers = await startContainers(log);
      databaseUrl = containers.databaseUrl;
      mongodbUrl = containers.mongodbUrl;
    } else {
      const services = await ensureServices(env, log);
      startedLocal = services.postgres === 'started' || services.mongodb === 'started';
    }
  }

  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, MONGODB_URL: mongodbUrl, FORCE_COLOR: '0', NO_COLOR: '1', DP_LOG_LEVEL: process.env.DP_LOG_LEVEL ?? 'warn' };
  const results: FileResult[] = [];
  const report = (result: FileResult): void => {
    results.push(result);
    const mark = result.failed > 0 ? 'FAIL' : 'ok  ';
    process.stdout.write(`${mark} ${result.file}  (${result.passed} passed, ${result.failed} failed, ${(result.ms / 1000).toFixed(1)}s)\n`);
    // The faasd suite's output is its report (stage and step timings, memory per function): always shown.
    if (result.failed > 0 || isFaasdFile(path.join(projectRoot, result.file))) {
      process.stdout.write(`${result.output.trim().split('\n').map((line) => `     │ ${line}`).join('\n')}\n`);
    }
  };

  try {
    const checking = skipTypecheck ? undefined : typecheck();
    // Two workers: the machines have two cores, and every integration file uses its own database.
    const queue = files.filter((file) => !isFaasdFile(file));
    const workers = Array.from({ length: Math.min(Math.max(os.availableParallelism(), 1), 2) }, async () => {
      for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
        report(await runTestFile(file, { cwd: projectRoot, env: childEnv, timeoutMs: FILE_TIMEOUT_MS }));
      }
    });
    await Promise.all(workers);
    if (checking !== undefined) {
      report(await checking);
    }
    for (const file of faasdFiles) {
      report(await runTestFile(file, { cwd: projectRoot, env: childEnv, timeoutMs: FAASD_FILE_TIMEOUT_MS }));
    }
  } finally {
    if (containers !== undefined) {
      await containers.stop();
    } else if (startedLocal && env.ci) {
      await stopServices(env);
    }
  }

  const passed = results.reduce((sum, result) => sum + result.passed, 0);
  const failed = results.reduce((sum, result) => sum + result.failed, 0);
  const skipped = results.reduce((sum, result) => sum + result.skipped, 0);
  if (found.length === 0) {
    process.stdout.write(`no test files found under ${(targets.length > 0 ? targets : SUITES).join(', ')}\n`);
  }
  process.stdout.write(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
  return failed > 0 || found.length === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`test runner failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.stdout.write('0 passed, 1 failed\n');
    process.exit(1);
  },
);
