/**
 * Stopping a function as faasd does on a deploy (update) or delete: SIGTERM to every process of the container,
 * and of-watchdog forwards another. faasd kills the container 30 s later and then fails the deploy, so the
 * process must drain and go in time — even with a request that never ends — and a second SIGTERM must not turn
 * the drain into a crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { processEnvironment, projectRoot } from '#platform/env.ts';
import { freePort } from '#support/freePort.ts';

const ENTRY = path.join(projectRoot, 'template', 'node24-ts', 'index.ts');
const HANDLER = path.join(import.meta.dirname, 'fixtures', 'hangs', 'handler.ts');

async function start(drainMs: number): Promise<{ child: ChildProcess; url: string; exited: Promise<{ code: number | null; signal: string | null; afterMs: number }>; lines: string[] }> {
  const port = await freePort();
  const lines: string[] = [];
  const child = spawn(process.execPath, [ENTRY], { env: { ...processEnvironment(), DP_FUNCTION_HANDLER: HANDLER, DP_FUNCTION_PORT: String(port), DP_FUNCTION_DRAIN_MS: String(drainMs), DP_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout!.on('data', (chunk: Buffer) => lines.push(...chunk.toString().trim().split('\n')));
  let signalled = 0;
  const exited = new Promise<{ code: number | null; signal: string | null; afterMs: number }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, afterMs: Date.now() - signalled }));
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if ((await fetch(`${url}/_/health`).catch(() => undefined))?.status === 200) break;
    await sleep(100);
  }
  const originalKill = child.kill.bind(child);
  child.kill = (signal?: NodeJS.Signals | number) => {
    signalled ||= Date.now();
    return originalKill(signal);
  };
  return { child, url, exited, lines };
}

test('idle: SIGTERM (twice, as faasd and the watchdog send it) ends the process at once, exit 0', async () => {
  const { child, exited } = await start(5000);
  child.kill('SIGTERM');
  child.kill('SIGTERM');
  const { code, signal, afterMs } = await exited;
  assert.equal([code, signal], [0, null]);
  assert.ok(afterMs < 2000, `exited after ${afterMs} ms`);
});

test('a request that never ends holds the exit for DP_FUNCTION_DRAIN_MS only; a second SIGTERM does not kill the drain', async () => {
  const { child, url, exited, lines } = await start(1500);
  const hung = fetch(`${url}/hang`).catch(() => 'cut');
  await sleep(200);
  child.kill('SIGTERM');
  await sleep(300);
  child.kill('SIGTERM');
  const { code, signal, afterMs } = await exited;
  assert.equal([code, signal], [0, null], 'the drain ended the process, not the signal');
  assert.ok(afterMs >= 1400 && afterMs < 4000, `exited ${afterMs} ms after SIGTERM`);
  assert.is(await hung, 'cut');
  assert.ok(lines.some((line) => line.includes('"function.drain_timeout"')), lines.join('\n'));
});

test.run();
