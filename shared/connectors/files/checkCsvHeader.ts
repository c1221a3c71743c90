import { badFile, shorten } from './parsedFile.ts';

const OTHER_DELIMITERS = [';', '\t', '|', ','];

/**
 * Refuses a CSV file whose header lacks a column the dataset's metadata reads (`required`): read anyway,
 * a renamed key would leave every row without a key and a renamed value column would turn every value
 * NULL. The error names the missing columns, the header seen and, when the header is one field holding
 * another separator, the delimiter to set.
 */
export function checkCsvHeader(file: string, header: readonly string[], options: { readonly delimiter: string; readonly required?: readonly string[] | undefined }, line: number): void {
  const have = new Set(header);
  const missing = (options.required ?? []).filter((name) => !have.has(name));
  if (missing.length === 0) return;
  const only = header.length === 1 ? (header[0] ?? '') : '';
  const other = OTHER_DELIMITERS.find((candidate) => candidate !== options.delimiter && only.includes(candidate));
  const hint = other === undefined
    ? 'rename the columns in the export, or map them in the metadata (each column\'s `source`, or extract.columns)'
    : `the header looks ${JSON.stringify(other)}-separated: set extract.delimiter: ${JSON.stringify(other)}`;
  throw badFile(
    file,
    `the header is missing ${missing.join(', ')} (the header has: ${shorten(header.join(', '))}); ${hint}, then drop the file again`,
    line,
    'files.header_mismatch',
  );
}
