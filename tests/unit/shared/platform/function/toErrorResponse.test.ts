import pg from 'pg';
import { UniqueIntegrityConstraintViolationError } from 'slonik';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { ConflictError, NotFoundError, PlatformError, TransientError } from '#platform/errors.ts';
import { toErrorResponse } from '#platform/function/toErrorResponse.ts';

test('a PlatformError keeps its status, code, retryable flag and context', () => {
  const response = toErrorResponse(new NotFoundError('run.not_found', 'Run r9 does not exist.', { context: { runId: 'r9' } }));
  assert.is(response.status, 404);
  assert.equal(response.body, { error: { code: 'run.not_found', message: 'Run r9 does not exist.', retryable: false, context: { runId: 'r9' } } });
});

test('a TransientError is 503 with Retry-After in whole seconds', () => {
  const response = toErrorResponse(new TransientError('db.connection', 'Postgres went away.', { retryAfterMs: 1200 }));
  assert.is(response.status, 503);
  assert.is(response.headers['retry-after'], '2');
  assert.is(response.body.error.retryable, true);
});

test('pg and slonik errors are translated by translateDatabaseError into db.* codes', () => {
  const driver = new pg.DatabaseError('duplicate key value violates unique constraint "runs_pkey"', 100, 'error');
  driver.code = '23505';
  driver.constraint = 'runs_pkey';
  const fromPg = toErrorResponse(driver);
  assert.is(fromPg.body.error.code, 'db.sqlstate_23505');
  const fromSlonik = toErrorResponse(new UniqueIntegrityConstraintViolationError(driver as never));
  assert.is(fromSlonik.body.error.code, 'db.unique_violation');
});

test('a ZodError is a 400 listing the bad fields', () => {
  const parsed = z.object({ runId: z.string() }).safeParse({});
  const response = toErrorResponse(parsed.error);
  assert.is(response.status, 400);
  assert.is(response.body.error.code, 'request.invalid');
  assert.match(response.body.error.message, /runId/);
});

test('anything else is a generic 500: the foreign message stays in the cause, out of the body', () => {
  const response = toErrorResponse(new Error('ECONNRESET talking to 10.0.0.7 with key=abc'));
  assert.is(response.status, 500);
  assert.is(response.body.error.code, 'internal');
  assert.not.match(JSON.stringify(response.body), /ECONNRESET|10\.0\.0\.7|key=abc/);
  assert.instance(response.error.cause, Error);
  assert.is(toErrorResponse('a string').status, 500);
});

test('a status outside 400–599 on a PlatformError becomes 500', () => {
  assert.is(toErrorResponse(new PlatformError('odd', 'Odd status.', { status: 200 })).status, 500);
  assert.is(toErrorResponse(new ConflictError('step.in_progress', 'Running.')).status, 409);
});

test.run();
