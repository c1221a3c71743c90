import { ValidationError } from '#platform/errors.ts';
import type { RejectedRecord } from '../types.ts';

/** A row that could not be used, with the fields it had when some could be read (so its key may still be known). */
export type ParsedReject = RejectedRecord & { readonly fields?: Readonly<Record<string, unknown>> };

/** The records of one export file and the rows that could not be used. */
export type ParsedFile = {
  readonly records: Record<string, unknown>[];
  /** 1-based line of each record in the file, when known (CSV, JSON Lines). */
  readonly lines: (number | undefined)[];
  readonly rejects: ParsedReject[];
};

/** Codes of the errors that refuse a whole file (badFile). */
export const BAD_FILE_CODES: ReadonlySet<string> = new Set(['files.bad_file', 'files.header_mismatch']);

/**
 * A file that cannot be imported at all (empty, not valid JSON, an unclosed quote, duplicate headers, a header
 * without a mapped column): it is moved aside, never half imported.
 */
export function badFile(file: string, reason: string, line?: number, code = 'files.bad_file'): ValidationError {
  return new ValidationError(code, `${file}${line === undefined ? '' : ` line ${line}`}: ${reason}`, { context: { file, ...(line === undefined ? {} : { line }) } });
}

/** Shortens a bad row's text for the run report. */
export const shorten = (text: string): string => (text.length > 300 ? `${text.slice(0, 300)}…` : text);
