import { readSourcePath } from '#pipeline/records/readSourcePath.ts';
import type { RejectedRecord } from '../types.ts';
import { badFile, shorten, type ParsedFile } from './parsedFile.ts';

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Parses a JSON export: an array of objects, or an object holding the array at `recordsPath`.
 * An element that is not an object is rejected with its position; a file that is not JSON is rejected whole.
 */
export function parseJsonFile(text: string, file: string, recordsPath: string): ParsedFile {
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const match = /line (\d+)/.exec((error as Error).message);
    throw badFile(file, `not valid JSON (${(error as Error).message}); fix the file and drop it again`, match === null ? undefined : Number(match[1]));
  }
  const list = readSourcePath(document, recordsPath);
  if (!Array.isArray(list)) {
    throw badFile(file, `has no array of records at ${recordsPath === '' ? 'its top level' : `records_path ${JSON.stringify(recordsPath)}`}; set extract.records_path`);
  }
  const records: Record<string, unknown>[] = [];
  const rejects: RejectedRecord[] = [];
  list.forEach((item, index) => {
    if (isRecord(item)) records.push(item);
    else rejects.push({ origin: file, reason: `element [${index}] is ${item === null ? 'null' : Array.isArray(item) ? 'an array' : `a ${typeof item}`}, expected an object`, text: shorten(JSON.stringify(item) ?? '') });
  });
  return { records, lines: records.map(() => undefined), rejects };
}

/** Parses JSON Lines (`.jsonl`, `.ndjson`): one object per line; a line that is not a JSON object is rejected with its line number. */
export function parseJsonLinesFile(text: string, file: string): ParsedFile {
  const records: Record<string, unknown>[] = [];
  const lines: number[] = [];
  const rejects: RejectedRecord[] = [];
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      const item: unknown = JSON.parse(line);
      if (isRecord(item)) {
        records.push(item);
        lines.push(index + 1);
      } else rejects.push({ origin: file, line: index + 1, reason: 'is not a JSON object', text: shorten(line) });
    } catch (error) {
      rejects.push({ origin: file, line: index + 1, reason: `is not valid JSON (${(error as Error).message})`, text: shorten(line) });
    }
  });
  return { records, lines, rejects };
}
