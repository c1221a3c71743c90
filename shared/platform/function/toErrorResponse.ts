import pg from 'pg';
import { SlonikError } from 'slonik';
import { z } from 'zod';

import type { FunctionErrorBody } from '#template/functionContract.ts';
import { translateDatabaseError } from '../db/translateDatabaseError.ts';
import { PlatformError, TransientError } from '../errors.ts';
import { isMongoDriverError, translateMongoError } from '../mongo/createMongoClient.ts';
import { redact } from '../redact.ts';
import { formatIssues } from './parseInput.ts';

/** The JSON body every function answers with when a request fails (the template's contract defines it). */
export type ErrorBody = FunctionErrorBody;

export type ErrorResponse = {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: ErrorBody;
  /** The error as the platform knows it (for the log line; may carry a cause the body must not show). */
  readonly error: PlatformError;
};

const GENERIC_MESSAGE = 'The function failed unexpectedly; the function log has the details (faas-cli logs <function>).';

function isDatabaseError(error: unknown): boolean {
  return error instanceof SlonikError || error instanceof pg.DatabaseError;
}

/** Redacts every string in a JSON-like value (context values may quote input). */
function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (typeof value === 'bigint') return value.toString();
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, depth + 1)]));
}

/** Turns anything a platform error can be made from into one; unknown errors stay generic. */
function toKnownError(error: unknown): PlatformError {
  if (error instanceof PlatformError) {
    return error;
  }
  if (isDatabaseError(error)) {
    return translateDatabaseError(error);
  }
  if (isMongoDriverError(error)) {
    return translateMongoError(error);
  }
  if (error instanceof z.ZodError) {
    const issues = formatIssues(error.issues);
    return new PlatformError('request.invalid', `The input is invalid: ${issues.join('; ')}.`, { cause: error, status: 400, context: { issues } });
  }
  return new PlatformError('internal', GENERIC_MESSAGE, { cause: error, status: 500 });
}

/**
 * Maps a thrown error to the response a function sends: a PlatformError keeps its status and code,
 * slonik and pg errors are translated by translateDatabaseError, mongodb errors by translateMongoError,
 * zod errors become 400, and
 * anything else is a 500 with a generic message — never a stack or a foreign message. Every string
 * of the body is redacted; TransientErrors add `Retry-After`.
 */
export function toErrorResponse(error: unknown): ErrorResponse {
  const known = toKnownError(error);
  const status = Number.isInteger(known.status) && known.status >= 400 && known.status <= 599 ? known.status : 500;
  const headers: Record<string, string> = {};
  if (known instanceof TransientError && known.retryAfterMs !== undefined) {
    headers['retry-after'] = String(Math.max(1, Math.ceil(known.retryAfterMs / 1000)));
  }
  const hasContext = Object.keys(known.context).length > 0;
  const body: ErrorBody = {
    error: {
      code: known.code,
      message: redact(known.message),
      retryable: known.retryable,
      ...(hasContext ? { context: redactDeep(known.context) as Record<string, unknown> } : {}),
    },
  };
  return { status, headers, body, error: known };
}
