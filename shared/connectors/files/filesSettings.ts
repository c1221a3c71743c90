import { z } from 'zod';

const encodingSchema = z.string().refine((label) => {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}, { message: 'is not a text encoding; use utf-8, windows-1252, latin1, utf-16le…' });

export const filesConfigSchema = z.strictObject({
  /** This source's inbox folder; each dataset reads <inbox>/<dataset>. Relative to DP_INBOX_DIR. Default: the source's name. */
  inbox: z.string().min(1).optional(),
  /** This source's archive folder; imported files go to <archive>/<dataset>/<run_id>/. Relative to DP_ARCHIVE_DIR. Default: the source's name. */
  archive: z.string().min(1).optional(),
});
export type FilesConfig = z.output<typeof filesConfigSchema>;

export const filesExtractSchema = z.strictObject({
  /** File format; default: from the extension (.csv/.tsv/.txt → csv, .json → json, .jsonl/.ndjson → jsonl). */
  format: z.enum(['csv', 'json', 'jsonl'], { message: 'must be csv, json or jsonl' }).optional(),
  /**
   * Which files to import, `*` as wildcard (`transactions*.csv`). With a pattern, matching files dropped in the
   * source's inbox itself are picked up too (so one folder can hold every dataset's exports). Default: every
   * .csv, .tsv, .json, .jsonl and .ndjson file of the dataset's own inbox.
   */
  pattern: z.string().min(1).optional(),
  /** This dataset's own inbox folder (relative to DP_INBOX_DIR), instead of <source inbox>/<dataset>. */
  inbox: z.string().min(1).optional(),
  /** This dataset's own archive folder (relative to DP_ARCHIVE_DIR), instead of <source archive>/<dataset>. */
  archive: z.string().min(1).optional(),
  /** JSON: dotted path of the records array inside the document. Default: the document is the array. */
  records_path: z.string().default(''),
  /** CSV field separator. Default: `,` (`\t` for .tsv files). */
  delimiter: z.string().min(1).optional(),
  /** CSV quote character. Default: `"`. */
  quote: z.string().length(1).default('"'),
  /** CSV: whether the first row names the columns. Default: true. */
  header: z.boolean().default(true),
  /** CSV column names: required without a header row; with one, they replace its names. */
  columns: z.array(z.string().min(1)).min(1).optional(),
  /** CSV lines to skip before the header. Default: 0. */
  skip_lines: z.number().int().min(0).default(0),
  /** Text encoding of the files. Default: utf-8. */
  encoding: encodingSchema.default('utf-8'),
  /** CSV: empty fields become null. Default: true. */
  empty_as_null: z.boolean().default(true),
  /** Records per raw part. Default: 5000. */
  batch_size: z.number().int().positive().max(100_000).default(5000),
}).refine((extract) => extract.header || extract.columns !== undefined, { path: ['columns'], message: 'is required when header is false: name the columns of the file' });
export type FilesExtract = z.output<typeof filesExtractSchema>;

export const filesStateSchema = z.strictObject({
  /** Candidate files of this run (full paths), in name order; null before the inbox was listed. */
  files: z.array(z.string()).nullable(),
  index: z.number().int().min(0),
  /**
   * The file being imported: its content hash and how many of its records are written; for a streamed CSV file
   * also where its next record starts (byte offset and line), its header, its size and version in the inbox store
   * (modification time, or ETag: a continuation checks the file did not change instead of hashing it again) and
   * the rows rejected so far.
   */
  current: z.strictObject({
    sha256: z.string(),
    written: z.number().int().min(0),
    offset: z.number().int().min(0).optional(),
    line: z.number().int().min(1).optional(),
    header: z.array(z.string()).optional(),
    size: z.number().int().min(0).optional(),
    version: z.string().optional(),
    rejected: z.number().int().min(0).optional(),
  }).nullable(),
  imported: z.array(z.string()),
  duplicates: z.array(z.string()),
  rejected_files: z.array(z.string()),
});
export type FilesState = z.output<typeof filesStateSchema>;

/** Turns a `*` pattern into a matcher of file names. */
export function fileMatcher(pattern: string | undefined): (name: string) => boolean {
  if (isHiddenOrPartial(pattern ?? '')) return () => false;
  if (pattern === undefined) return (name) => /\.(csv|tsv|json|jsonl|ndjson)$/i.test(name) && !isHiddenOrPartial(name);
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return (name) => regex.test(name) && !isHiddenOrPartial(name);
}

/** Dot files and files still being copied (`.tmp`, `.part`, `.crdownload`) are never picked up. */
function isHiddenOrPartial(name: string): boolean {
  return name.startsWith('.') || /\.(tmp|part|crdownload)$/i.test(name);
}

/** The format of a file: the setting, else its extension; undefined when neither says. */
export function formatOf(name: string, format: FilesExtract['format']): 'csv' | 'json' | 'jsonl' | undefined {
  if (format !== undefined) return format;
  const extension = /\.([a-z]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (extension === 'csv' || extension === 'tsv' || extension === 'txt') return 'csv';
  if (extension === 'json') return 'json';
  if (extension === 'jsonl' || extension === 'ndjson') return 'jsonl';
  return undefined;
}
