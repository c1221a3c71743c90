import { toErrorResponse } from '#platform/function/toErrorResponse.ts';
import { errorRecordSchema, type ErrorRecord } from './errorRecord.ts';

/** Any thrown value as an error record: the error body a function would answer with (stable code, redacted message and context). */
export function toErrorRecord(error: unknown): ErrorRecord {
  return errorRecordSchema.parse(toErrorResponse(error).body.error);
}
