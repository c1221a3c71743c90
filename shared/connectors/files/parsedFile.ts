import { ValidationError } from '#platform/errors.ts';
import type { RejectedRecord } from '../types.ts';

/** The records of one export file and the rows that could not be used. */
export type ParsedFile = {
  readonly records: Record<string, unknown>[];
  /** 1-based line of each record in the file, when known (CSV, JSON Lines). */
  readonly lines: (number | undefined)[];
  readonly rejects: RejectedRecord[];
};

/** A file that cannot be imported at all (not valid JSON, an unclosed quote, duplicate headers): it is moved aside, never half imported. */
export function badFile(file: string, reason: string, line?: number): ValidationError {
  return new ValidationError('files.bad_file', `${file}${line === undefined ? '' : ` line ${line}`}: ${reason}`, { context: { file, ...(line === undefined ? {} : { line }) } });
}

/** Shortens a bad row's text for the run report. */
export const shorten = (text: string): string => (text.length > 300 ? `${text.slice(0, 300)}…` : text);
