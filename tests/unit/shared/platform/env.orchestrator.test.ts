/** The environment keys of the orchestrator. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { loadEnv } from '#platform/env.ts';
import { orchestratorConfigFromEnv } from '#orchestrator/orchestratorConfig.ts';

test('defaults: callbacks to the gateway, 180 s callback timeout, 4 attempts, 30 s backoff doubling up to 15 minutes', () => {
  const env = loadEnv({ DP_GATEWAY_URL: 'http://gateway:8080/' });
  assert.is(env.callbackBaseUrl, 'http://gateway:8080');
  assert.equal(orchestratorConfigFromEnv(env), { maxAttempts: 4, callbackTimeoutMs: 180_000, retryBaseMs: 30_000, retryMaxMs: 900_000, stepBudgetMs: 40_000, stepLeaseMs: 70_000, tickBatch: 100, webhookReplayWindowMs: 86_400_000, logLinesPerInvocation: 200, logRetentionDays: 30 });
});

test('overrides are read with their units', () => {
  const env = loadEnv({ DP_CALLBACK_BASE_URL: 'http://gateway:8080', DP_CALLBACK_TIMEOUT_SECONDS: '300', DP_MAX_ATTEMPTS: '6', DP_RETRY_BASE_MS: '5000', DP_RETRY_MAX_MS: '60000', DP_WEBHOOK_REPLAY_WINDOW_SECONDS: '600' });
  assert.equal([env.callbackBaseUrl, env.callbackTimeoutMs, env.maxAttempts, env.retryBaseMs, env.retryMaxMs, env.webhookReplayWindowMs], ['http://gateway:8080', 300_000, 6, 5000, 60_000, 600_000]);
});

test('a bad value names the key and its range', () => {
  assert.throws(() => loadEnv({ DP_MAX_ATTEMPTS: '0' }), /DP_MAX_ATTEMPTS="0" is out of range; set it to a whole number of attempts between 1 and 100/);
  assert.throws(() => loadEnv({ DP_CALLBACK_TIMEOUT_SECONDS: '2m' }), /DP_CALLBACK_TIMEOUT_SECONDS/);
  assert.throws(() => loadEnv({ DP_CALLBACK_BASE_URL: 'gateway:8080' }), /DP_CALLBACK_BASE_URL/);
});

test.run();
