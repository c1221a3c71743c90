import { CsvError, parse } from 'csv-parse/sync';

import { badFile, shorten, type ParsedFile, type ParsedReject } from './parsedFile.ts';
import { checkCsvHeader } from './checkCsvHeader.ts';

export type CsvOptions = {
  /** Field separator. Default: `,`. */
  readonly delimiter: string;
  /** Quote character. Default: `"`. */
  readonly quote: string;
  /** Whether the first row is a header. Default: true. */
  readonly header?: boolean;
  /** Column names; with a header they replace its names, without one they are required. */
  readonly columns?: readonly string[] | undefined;
  /** Lines to skip before the header (a title line some banks add). Default: 0. */
  readonly skip_lines: number;
  /** Empty fields become null. Default: true. */
  readonly empty_as_null: boolean;
  /** Column names the dataset's metadata reads: a header without one of them refuses the whole file. Default: none. */
  readonly required?: readonly string[];
};

/**
 * Parses CSV text with csv-parse (RFC 4180 quotes, embedded newlines, BOM, CRLF). A row with
 * a different number of fields than the header is rejected with its line (and the fields it has, so its
 * key can still be read) and the import goes on; an empty file, NUL bytes, an unclosed quote, a
 * duplicate header or a header without a column the metadata reads rejects the whole file.
 */
export function parseCsvFile(text: string, file: string, options: CsvOptions): ParsedFile {
  if (text.includes('\0')) {
    throw badFile(file, `contains NUL bytes at offset ${text.indexOf('\0')}: it is not a CSV text export (a binary file, or one cut off while it was written); drop the export again`);
  }
  const numbered = parseCsvRows(text, file, options, { bom: true, fromLine: options.skip_lines + 1, firstLine: options.skip_lines + 1 });
  const headerRow = options.header === false ? undefined : numbered.shift();
  const header = options.columns !== undefined ? [...options.columns] : headerRow?.record.map((name) => name.trim());
  if (header === undefined) {
    if (options.header !== false) throw badFile(file, 'is empty: it has no header row; drop the complete export again');
    return { records: [], lines: [], rejects: [] };
  }
  checkHeaderNames(file, header, options, options.skip_lines + 1);
  return mapCsvRows(numbered, header, file, options.empty_as_null);
}

/** A CSV record as csv-parse returns it, with the line it starts on. */
export type NumberedCsvRow = { readonly record: readonly string[]; readonly raw: string; readonly line: number };

/**
 * Parses CSV text into records of fields with the line each starts on (counted from `firstLine` through the raw
 * text of each record, so quoted fields may span lines); empty lines are left out. An unclosed quote refuses the file.
 */
export function parseCsvRows(text: string, file: string, options: Pick<CsvOptions, 'delimiter' | 'quote'>, at: { readonly bom: boolean; readonly fromLine: number; readonly firstLine: number }): NumberedCsvRow[] {
  let rows: { record: string[]; raw: string }[];
  try {
    rows = parse(text, {
      bom: at.bom,
      delimiter: options.delimiter,
      quote: options.quote,
      relax_column_count: true,
      relax_quotes: true,
      from_line: at.fromLine,
      raw: true,
    }) as unknown as { record: string[]; raw: string }[];
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw badFile(file, `not valid CSV (${error.code}: ${error.message.replace(/^Invalid [^:]*: /, '')}); fix the file and drop it again`, line === undefined ? undefined : line + at.firstLine - at.fromLine);
    }
    throw error;
  }
  let line = at.firstLine;
  return rows.map((row) => {
    const start = line;
    line += countLineBreaks(row.raw);
    return { record: row.record, raw: row.raw, line: start };
  }).filter((row) => !(row.record.length === 1 && row.record[0] === ''));
}

/** Line breaks in a record's raw text (`\r\n`, `\n` or a lone `\r` each count one), without a match array per record. */
function countLineBreaks(raw: string): number {
  let count = 0;
  for (let index = 0; index < raw.length; index += 1) {
    const code = raw.charCodeAt(index);
    if (code === 0x0a) count += 1;
    else if (code === 0x0d) {
      count += 1;
      if (raw.charCodeAt(index + 1) === 0x0a) index += 1;
    }
  }
  return count;
}

/** Refuses a header with an empty or repeated name, or without a column the metadata reads (checkCsvHeader). */
export function checkHeaderNames(file: string, header: readonly string[], options: Pick<CsvOptions, 'delimiter' | 'required'>, line: number): void {
  const seen = new Set<string>();
  for (const name of header) {
    if (name === '') throw badFile(file, 'the header has an empty column name; name every column or set extract.columns', line);
    if (seen.has(name)) throw badFile(file, `the header names column ${JSON.stringify(name)} twice`, line);
    seen.add(name);
  }
  checkCsvHeader(file, header, options, line);
}

/** Maps CSV rows to records by the header; a row with another number of fields is rejected with its line and the fields it has. */
export function mapCsvRows(rows: readonly NumberedCsvRow[], header: readonly string[], file: string, emptyAsNull: boolean): ParsedFile {
  const records: Record<string, unknown>[] = [];
  const lines: number[] = [];
  const rejects: ParsedReject[] = [];
  for (const row of rows) {
    if (row.record.length !== header.length) {
      // The fields it has, by position: enough to read its key when the key comes before the damage.
      const fields: Record<string, unknown> = {};
      header.forEach((name, index) => {
        if (index < row.record.length) fields[name] = row.record[index];
      });
      rejects.push({ origin: file, line: row.line, reason: `has ${row.record.length} fields, the header has ${header.length}`, text: shorten(row.raw.replace(/[\r\n]+$/, '')), fields });
      continue;
    }
    const record: Record<string, unknown> = {};
    header.forEach((name, index) => {
      const value = row.record[index] ?? '';
      record[name] = emptyAsNull && value === '' ? null : value;
    });
    records.push(record);
    lines.push(row.line);
  }
  return { records, lines, rejects };
}
