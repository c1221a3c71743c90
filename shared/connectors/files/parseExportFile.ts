import type { DatasetRef } from '#metadata/schema.ts';
import { createKeyHasher } from '#pipeline/records/computeKeyHash.ts';
import { readSourcePath } from '#pipeline/records/readSourcePath.ts';
import { resolveDatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import type { RejectedRecord } from '../types.ts';
import { formatOf, type FilesExtract } from './filesSettings.ts';
import { badFile, type ParsedFile } from './parsedFile.ts';
import { parseCsvFile, type CsvOptions } from './parseCsvFile.ts';
import { parseJsonFile, parseJsonLinesFile } from './parseJsonFile.ts';
import { canStreamCsv } from './streamCsvFile.ts';

/** The CSV header names the dataset's columns are read from (the first step of each column's source path). */
function headerNamesRead(ref: DatasetRef): string[] {
  return [...new Set(ref.dataset.columns.map((column) => (column.source ?? column.name).split('.')[0] ?? column.name))];
}

/** Parses a whole export file (JSON, JSON Lines, or CSV that cannot be streamed) by its format setting or extension. */
export function parseExportFile(bytes: Buffer, name: string, extract: FilesExtract, ref: DatasetRef): ParsedFile {
  const format = formatOf(name, extract.format);
  if (format === undefined) throw badFile(name, 'has an extension the files connector does not know; set extract.format to csv, json or jsonl');
  let text: string;
  try {
    text = new TextDecoder(extract.encoding, { fatal: true }).decode(bytes);
  } catch {
    throw badFile(name, `is not valid ${extract.encoding} text; set extract.encoding (for example windows-1252)`);
  }
  if (format === 'json') return parseJsonFile(text, name, extract.records_path);
  if (format === 'jsonl') return parseJsonLinesFile(text, name);
  const delimiter = extract.delimiter ?? (/\.tsv$/i.test(name) ? '\t' : ',');
  return parseCsvFile(text, name, { delimiter, quote: extract.quote, header: extract.header, columns: extract.columns, skip_lines: extract.skip_lines, empty_as_null: extract.empty_as_null, required: headerNamesRead(ref) });
}

export type CsvStreamOptions = CsvOptions & { readonly encoding: string };

/** The options to stream a file as CSV, or undefined when it is not CSV or cannot be streamed (then it is read whole). */
export function csvStreamOptionsOf(name: string, extract: FilesExtract, ref: DatasetRef): CsvStreamOptions | undefined {
  if (formatOf(name, extract.format) !== 'csv') return undefined;
  const delimiter = extract.delimiter ?? (/\.tsv$/i.test(name) ? '\t' : ',');
  const options = { delimiter, quote: extract.quote, header: extract.header, columns: extract.columns, skip_lines: extract.skip_lines, empty_as_null: extract.empty_as_null, required: headerNamesRead(ref), encoding: extract.encoding };
  return canStreamCsv(options) ? options : undefined;
}

/**
 * Moves records whose key columns are empty to the rejects (silver cannot place a record without its key),
 * and gives each reject whose fields still hold a usable key that key: on a full load it counts as present.
 */
export function rejectKeyless(parsed: ParsedFile, ref: DatasetRef, name: string): { records: Record<string, unknown>[]; lines: (number | undefined)[]; rejects: RejectedRecord[] } {
  const keyPaths = ref.dataset.key.map((key) => ({ key, path: ref.dataset.columns.find((column) => column.name === key)?.source ?? key }));
  const hashKey = createKeyHasher(resolveDatasetColumns(ref).key);
  const records: Record<string, unknown>[] = [];
  const lines: (number | undefined)[] = [];
  const rejects: RejectedRecord[] = parsed.rejects.map(({ fields, ...reject }) => {
    if (fields === undefined) return reject;
    const key = hashKey(fields);
    return key.ok ? { ...reject, key: key.values, keyHash: key.hex } : reject;
  });
  parsed.records.forEach((record, index) => {
    const missing = keyPaths.filter(({ path: keyPath }) => {
      const value = readSourcePath(record, keyPath);
      return value === undefined || value === null || value === '';
    });
    const line = parsed.lines[index];
    if (missing.length === 0) {
      records.push(record);
      lines.push(line);
    } else {
      rejects.push({ origin: name, ...(line === undefined ? {} : { line }), reason: `key column ${missing.map((m) => m.key).join(', ')} is empty`, text: JSON.stringify(record).slice(0, 300) });
    }
  });
  return { records, lines, rejects };
}
