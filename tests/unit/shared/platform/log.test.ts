import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { PlatformError } from '#platform/errors.ts';
import { createLogger } from '#platform/log.ts';
import { registerSecretValue } from '#platform/redact.ts';

function capture(level: 'debug' | 'info' | 'warn' | 'error' = 'info') {
  const lines: string[] = [];
  const log = createLogger({ level, sink: (line) => lines.push(line), fields: { fn: 'silver' } });
  return { log, lines };
}

test('writes one JSON object per event with level, event, function name and fields', () => {
  const { log, lines } = capture();
  log.info('merge.done', { rows: 12 });
  assert.is(lines.length, 1);
  const record = JSON.parse(lines[0] ?? '');
  assert.is(record.level, 'info');
  assert.is(record.event, 'merge.done');
  assert.is(record.fn, 'silver');
  assert.is(record.rows, 12);
  assert.ok(!Number.isNaN(Date.parse(record.ts)));
});

test('child loggers add the run id to every line', () => {
  const { log, lines } = capture();
  log.child({ run_id: 'r-42' }).warn('step.slow');
  assert.is(JSON.parse(lines[0] ?? '').run_id, 'r-42');
});

test('lines below the level are dropped', () => {
  const { log, lines } = capture('warn');
  log.info('chatty');
  log.debug('chattier');
  log.error('loud');
  assert.equal(lines.map((line) => JSON.parse(line).event), ['loud']);
});

test('errors are serialised with code and cause; bigints as strings', () => {
  const { log, lines } = capture();
  log.error('step.failed', { error: new PlatformError('db.connection', 'down', { cause: new Error('ECONNREFUSED') }), count: 5n });
  const record = JSON.parse(lines[0] ?? '');
  assert.is(record.error.code, 'db.connection');
  assert.is(record.error.cause.message, 'ECONNREFUSED');
  assert.is(record.count, '5');
});

test('registered secret values never reach a line', () => {
  const { log, lines } = capture();
  registerSecretValue('tok_9f8e7d6c5b4a');
  log.error('request.failed', { url: 'https://api.example.test/v1?token=tok_9f8e7d6c5b4a', error: new Error('401 for tok_9f8e7d6c5b4a') });
  assert.not.match(lines[0] ?? '', 'tok_9f8e7d6c5b4a');
  assert.match(lines[0] ?? '', '[redacted]');
});

test('text format reads as event key=value for terminals', () => {
  const lines: string[] = [];
  createLogger({ format: 'text', sink: (line) => lines.push(line), fields: {} }).warn('postgres.starting', { port: 54329 });
  assert.equal(lines, ['WARN postgres.starting port=54329']);
});

test.run();
