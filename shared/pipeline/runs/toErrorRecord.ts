import { toPlatformError } from '#platform/errors.ts';
import { redact } from '#platform/redact.ts';
import type { ErrorRecord } from './runRecords.ts';

/** The form an error is stored in on a run or step: code, redacted message, retry hint, context. */
export function toErrorRecord(error: unknown): ErrorRecord {
  const platformError = toPlatformError(error);
  return {
    code: platformError.code,
    message: redact(platformError.message),
    retryable: platformError.retryable,
    context: JSON.parse(redact(JSON.stringify(platformError.context, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)) ?? '{}')) as Record<string, unknown>,
  };
}
