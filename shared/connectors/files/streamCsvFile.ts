import { createHash } from 'node:crypto';

import { badFile, type ParsedFile } from './parsedFile.ts';
import { checkHeaderNames, mapCsvRows, parseCsvRows, type CsvOptions } from './parseCsvFile.ts';

/** Where the rest of a CSV file starts: the byte offset of its next record and that record's line, and the header. */
export type CsvPosition = { readonly offset: number; readonly line: number; readonly header: readonly string[] };

/** A batch of a streamed CSV file, and the position after it. */
export type CsvBatch = { readonly parsed: ParsedFile; readonly next: CsvPosition };

/**
 * A file's bytes from a byte offset to its end, in chunks: the inbox store's ranged reads (`readObjectFrom`), so the
 * same reader serves a local folder and an S3 bucket, and memory holds one range.
 */
export type ByteSource = (start: number) => AsyncIterable<Buffer>;

const LF = 0x0a;
const CR = 0x0d;
/** A batch is cut at this many bytes even before `batchSize` records, so a file of very long rows stays bounded. */
const BATCH_BYTES = 8 * 1024 * 1024;

/** Encodings in which `\n`, the quote and the delimiter are single ASCII bytes that never occur inside another character. */
const ASCII_COMPATIBLE = /^(utf-?8|us-ascii|ascii|latin1|iso-8859-\d+|windows-125\d|cp125\d)$/i;

/** Whether a CSV file can be streamed from byte offsets (its encoding keeps ASCII bytes whole, its delimiter and quote are one ASCII byte). */
export function canStreamCsv(options: Pick<CsvOptions, 'delimiter' | 'quote'> & { readonly encoding: string }): boolean {
  const ascii = (text: string): boolean => text.length === 1 && text.charCodeAt(0) < 0x80 && text !== '\n' && text !== '\r';
  return ASCII_COMPATIBLE.test(options.encoding) && ascii(options.delimiter) && ascii(options.quote);
}

/** The content hash and size of a file, read in one pass of bounded memory. */
export async function fingerprintBytes(source: ByteSource): Promise<{ readonly sha256: string; readonly size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of source(0)) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * Finds where CSV records end in raw bytes, the way csv-parse reads them (RFC 4180 quotes, `""` inside a quoted
 * field, a quote that opens a field only at its start, as with `relax_quotes`): a record ends at a `\n` outside
 * quotes. Works across chunk boundaries; counts lines; refuses NUL bytes.
 */
function createRecordSplitter(file: string, quote: number, delimiter: number) {
  let inQuotes = false;
  let pendingQuote = false;
  let atFieldStart = true;
  let lines = 0;
  return {
    /** Calls `onEnd(index)` for each record that ends in `chunk` (at its `\n`); `base` is the chunk's offset in the file, for messages. */
    scan(chunk: Buffer, base: number, onEnd: (index: number, linesSoFar: number) => void): void {
      for (let index = 0; index < chunk.length; index += 1) {
        const byte = chunk[index] as number;
        if (byte === 0) {
          throw badFile(file, `contains NUL bytes at byte ${base + index}: it is not a CSV text export (a binary file, or one cut off while it was written); drop the export again`);
        }
        if (pendingQuote) {
          pendingQuote = false;
          if (byte === quote) continue; // "" inside a quoted field
          inQuotes = false;
        }
        if (inQuotes) {
          if (byte === quote) pendingQuote = true;
          else if (byte === LF) lines += 1;
          continue;
        }
        if (byte === quote && atFieldStart) {
          inQuotes = true;
          atFieldStart = false;
        } else if (byte === delimiter) {
          atFieldStart = true;
        } else if (byte === LF) {
          lines += 1;
          atFieldStart = true;
          onEnd(index, lines);
        } else if (byte !== CR) {
          atFieldStart = false;
        }
      }
    },
  };
}

type Options = CsvOptions & { readonly encoding: string };

/**
 * Reads complete records of a file from byte `from` on, `count` at a time (or BATCH_BYTES): each batch as its
 * bytes, the line its first record starts on, and the offset after it. Memory holds one batch and one read.
 */
async function* readRecordBytes(source: ByteSource, name: string, options: Options, from: { offset: number; line: number }, count: number): AsyncGenerator<{ bytes: Buffer; line: number; end: number }> {
  const splitter = createRecordSplitter(name, options.quote.charCodeAt(0), options.delimiter.charCodeAt(0));
  let pieces: Buffer[] = [];
  let piecesBytes = 0;
  let records = 0;
  let batchStart = from.offset;
  let batchLine = from.line;
  let position = from.offset;
  for await (const chunk of source(from.offset)) {
    const cuts: { index: number; lines: number }[] = [];
    splitter.scan(chunk, position, (index, lines) => cuts.push({ index, lines }));
    let consumed = 0;
    for (const cut of cuts) {
      records += 1;
      if (records >= count || piecesBytes + cut.index + 1 - consumed >= BATCH_BYTES) {
        pieces.push(chunk.subarray(consumed, cut.index + 1));
        const end = position + cut.index + 1;
        yield { bytes: Buffer.concat(pieces), line: batchLine, end };
        pieces = [];
        piecesBytes = 0;
        records = 0;
        consumed = cut.index + 1;
        batchStart = end;
        batchLine = from.line + cut.lines;
      }
    }
    if (consumed < chunk.length) {
      const rest = Buffer.from(chunk.subarray(consumed));
      pieces.push(rest);
      piecesBytes += rest.length;
    }
    position += chunk.length;
  }
  if (piecesBytes > 0 || pieces.length > 0) {
    const bytes = Buffer.concat(pieces);
    if (bytes.length > 0) yield { bytes, line: batchLine, end: batchStart + bytes.length };
  }
}

/** The `\n` bytes in a batch: the lines it spans (counted on the bytes, without a string or a match array per batch). */
function countLineFeeds(bytes: Buffer): number {
  let count = 0;
  for (let index = bytes.indexOf(LF); index !== -1; index = bytes.indexOf(LF, index + 1)) count += 1;
  return count;
}

/** Decodes a batch's bytes in the file's encoding (a batch holds whole records, so no character is split). */
function decode(bytes: Buffer, file: string, encoding: string): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw badFile(file, `is not valid ${encoding} text; set extract.encoding (for example windows-1252)`);
  }
}

/**
 * The start of a CSV file: skips `skip_lines` lines and an optional BOM, reads the header (or takes
 * `columns`), checks it against the columns the metadata reads, and returns where the records start.
 * An empty file or one of NUL bytes is refused.
 */
export async function readCsvStart(source: ByteSource, name: string, options: Options): Promise<CsvPosition> {
  let offset = 0;
  let line = 1;
  for await (const chunk of source(0)) {
    if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) offset = 3;
    break;
  }
  // skip_lines: whole lines, before any record (a title line some banks add)
  if (options.skip_lines > 0) {
    let skipped = 0;
    let position = offset;
    let found = false;
    outer: for await (const chunk of source(offset)) {
      for (let index = 0; index < chunk.length; index += 1) {
        if (chunk[index] === LF) {
          skipped += 1;
          if (skipped === options.skip_lines) {
            offset = position + index + 1;
            found = true;
            break outer;
          }
        }
      }
      position += chunk.length;
    }
    if (!found) offset = position;
    line = options.skip_lines + 1;
  }
  if (options.header === false) {
    const header = [...(options.columns ?? [])];
    return { offset, line, header };
  }
  for await (const batch of readRecordBytes(source, name, options, { offset, line }, 1)) {
    const rows = parseCsvRows(decode(batch.bytes, name, options.encoding), name, options, { bom: false, fromLine: 1, firstLine: batch.line });
    if (rows.length === 0) {
      // an empty line before the header: keep looking
      offset = batch.end;
      line = batch.line + countLineFeeds(batch.bytes);
      continue;
    }
    const header = options.columns !== undefined ? [...options.columns] : (rows[0]?.record ?? []).map((column) => column.trim());
    checkHeaderNames(name, header, options, rows[0]?.line ?? line);
    return { offset: batch.end, line: batch.line + countLineFeeds(batch.bytes), header };
  }
  throw badFile(name, 'is empty: it has no header row; drop the complete export again');
}

/**
 * Streams a CSV file's records from `position`, `batchSize` at a time, each batch parsed once (csv-parse) and
 * mapped by the header, with its rejects and the position after it — what a checkpoint keeps, so a
 * continuation reads on from that byte instead of reading the file again.
 */
export async function* streamCsvBatches(source: ByteSource, name: string, options: Options, position: CsvPosition, batchSize: number): AsyncGenerator<CsvBatch> {
  for await (const batch of readRecordBytes(source, name, options, position, batchSize)) {
    const rows = parseCsvRows(decode(batch.bytes, name, options.encoding), name, options, { bom: false, fromLine: 1, firstLine: batch.line });
    const lines = countLineFeeds(batch.bytes);
    yield { parsed: mapCsvRows(rows, position.header, name, options.empty_as_null), next: { offset: batch.end, line: batch.line + lines, header: position.header } };
  }
}
