import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { callTimeoutMs, readExecTimeoutMs, watchdogTimeoutHeaders, WATCHDOG_DEFAULT_TIMEOUT_MS } from '#tools/gateway/watchdogTimeout.ts';

test('exec_timeout is read as of-watchdog reads it: whole seconds, Go durations, 0 for none, 30 s when unset or unreadable', () => {
  assert.is(readExecTimeoutMs({ exec_timeout: '55s' }), 55_000);
  assert.is(readExecTimeoutMs({ exec_timeout: '1m30s' }), 90_000);
  assert.is(readExecTimeoutMs({ exec_timeout: '45' }), 45_000);
  assert.is(readExecTimeoutMs({ exec_timeout: '0' }), 0);
  assert.is(readExecTimeoutMs({}), WATCHDOG_DEFAULT_TIMEOUT_MS);
  assert.is(readExecTimeoutMs({ exec_timeout: 'soon' }), WATCHDOG_DEFAULT_TIMEOUT_MS);
  assert.is(WATCHDOG_DEFAULT_TIMEOUT_MS, 30_000);
});

test('X-Timeout shortens one call, never lengthens it, and needs a unit', () => {
  assert.is(callTimeoutMs(55_000, '2s'), 2000);
  assert.is(callTimeoutMs(55_000, '90s'), 55_000);
  assert.is(callTimeoutMs(55_000, '5'), 55_000);
  assert.is(callTimeoutMs(55_000, undefined), 55_000);
  assert.is(callTimeoutMs(0, '2s'), 0, 'without an exec_timeout the watchdog ignores X-Timeout');
});

test('the watchdog marks its own answer', () => {
  assert.equal(watchdogTimeoutHeaders(2500), { 'x-duration-seconds': '2.500000', 'x-openfaas-internal': 'of-watchdog' });
});

test.run();
