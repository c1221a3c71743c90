import { createHash } from 'node:crypto';
import path from 'node:path';

import { ConfigError, ConflictError, isPlatformError, ValidationError } from '#platform/errors.ts';
import type { DatasetRef } from '#metadata/schema.ts';
import { createKeyHasher } from '#pipeline/records/computeKeyHash.ts';
import { readSourcePath } from '#pipeline/records/readSourcePath.ts';
import { resolveDatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import type { Finish, Page, PageInput, StartInput } from '../connector.ts';
import { Connector } from '../connector.ts';
import type { DatasetRunRef } from '#pipeline/cursor/datasetRunRef.ts';
import type { RejectedRecord } from '../types.ts';
import { filesConfigSchema, filesExtractSchema, filesStateSchema, fileMatcher, formatOf, type FilesConfig, type FilesExtract, type FilesState } from './filesSettings.ts';
import { findImportedFile } from './findImportedFile.ts';
import { objectLocation, readObjectFrom } from '#platform/raw/objectStore.ts';
import { archiveObject, archiveStreamed, filesLocations, listInbox, openFilesStores, type FilesStores } from './filesStores.ts';
import { BAD_FILE_CODES, badFile, type ParsedFile } from './parsedFile.ts';
import { parseCsvFile, type CsvOptions } from './parseCsvFile.ts';
import { canStreamCsv, fingerprintBytes, readCsvStart, streamCsvBatches, type ByteSource, type CsvPosition } from './streamCsvFile.ts';
import { parseJsonFile, parseJsonLinesFile } from './parseJsonFile.ts';
import { recordImportedFile } from './recordImportedFile.ts';

type Input = PageInput<FilesConfig, FilesExtract, FilesState>;

/** The CSV header names the dataset's columns are read from (the first step of each column's source path). */
function headerNamesRead(ref: DatasetRef): string[] {
  return [...new Set(ref.dataset.columns.map((column) => (column.source ?? column.name).split('.')[0] ?? column.name))];
}

function parseFile(bytes: Buffer, name: string, extract: FilesExtract, ref: DatasetRef): ParsedFile {
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

type CsvStreamOptions = CsvOptions & { readonly encoding: string };

/** The options to stream a file as CSV, or undefined when it is not CSV or cannot be streamed (then it is read whole). */
function csvOptionsOf(name: string, extract: FilesExtract, ref: DatasetRef): CsvStreamOptions | undefined {
  if (formatOf(name, extract.format) !== 'csv') return undefined;
  const delimiter = extract.delimiter ?? (/\.tsv$/i.test(name) ? '\t' : ',');
  const options = { delimiter, quote: extract.quote, header: extract.header, columns: extract.columns, skip_lines: extract.skip_lines, empty_as_null: extract.empty_as_null, required: headerNamesRead(ref), encoding: extract.encoding };
  return canStreamCsv(options) ? options : undefined;
}

/**
 * Moves records whose key columns are empty to the rejects (silver cannot place a record without its key),
 * and gives each reject whose fields still hold a usable key that key: on a full load it counts as present.
 */
function rejectKeyless(parsed: ParsedFile, input: Input, name: string): { records: Record<string, unknown>[]; lines: (number | undefined)[]; rejects: RejectedRecord[] } {
  const keyPaths = input.ref.dataset.key.map((key) => ({ key, path: input.ref.dataset.columns.find((column) => column.name === key)?.source ?? key }));
  const hashKey = createKeyHasher(resolveDatasetColumns(input.ref).key);
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

/**
 * The `files` connector: imports CSV, JSON and JSON Lines exports dropped in a dataset's inbox.
 * Each imported file goes to the archive and its content hash to platform.imported_files, so
 * the same content is never imported twice (it goes to archive/duplicates instead). Bad rows are
 * rejected with file and line and the import goes on; a file that cannot be read at all goes to
 * archive/rejected. A full-load dataset imports one file (one snapshot) per run, oldest name first.
 */
export class FilesConnector extends Connector<FilesConfig, FilesExtract, FilesState> {
  readonly kind = 'files';
  readonly configSchema = filesConfigSchema;
  readonly extractSchema = filesExtractSchema;
  readonly stateSchema = filesStateSchema;

  protected start(_input: StartInput<FilesConfig, FilesExtract>): FilesState {
    return { files: null, index: 0, current: null, imported: [], duplicates: [], rejected_files: [] };
  }

  protected async *pages(input: Input): AsyncGenerator<Page<FilesState>, Finish, void> {
    const { ref, run, extract } = input;
    const db = input.context.db;
    if (db === undefined) {
      throw new ConfigError('connector.needs_database', `dataset ${ref.source.source}.${ref.dataset.name}: the files connector keeps its import ledger in Postgres; pass the platform pool as context.db.`);
    }
    const runRef: DatasetRunRef = { runId: run.runId, source: ref.source.source, dataset: ref.dataset.name };
    const stores = input.context.files ?? openFilesStores(input.context.env);
    const { inbox, sharedInbox, archive } = filesLocations(ref, input.config, extract);
    const inboxShown = objectLocation(stores.inbox, inbox);
    let state = input.state;
    if (state.files === null) {
      const matches = fileMatcher(extract.pattern);
      const found = [...(await listInbox(stores.inbox, inbox, matches)), ...(sharedInbox === undefined ? [] : await listInbox(stores.inbox, sharedInbox, matches))];
      // oldest export first, by file name (exports are usually named by date)
      const files = found.sort((a, b) => path.posix.basename(a).localeCompare(path.posix.basename(b)) || a.localeCompare(b));
      state = { ...state, files };
      input.context.logger.info('files.inbox', { source: ref.source.source, dataset: ref.dataset.name, run_id: run.runId, inbox: inboxShown, shared_inbox: sharedInbox === undefined ? null : objectLocation(stores.inbox, sharedInbox), files: files.length });
    }
    const files = state.files ?? [];
    const advance = (change: Partial<FilesState>): FilesState => ({ ...state, ...change, index: state.index + 1, current: null });

    while (state.index < files.length && !(ref.dataset.load === 'full' && state.imported.length > 0)) {
      const file = files[state.index] ?? '';
      const name = path.posix.basename(file);
      const csv = csvOptionsOf(name, extract, ref);
      if (csv !== undefined) {
        // CSV in an ASCII-compatible encoding: streamed, parsed once, resumed from a byte offset.
        state = yield* this.streamCsv(input, { stores, file, name, csv, state, runRef, archive, inboxShown });
        continue;
      }
      const bytes = await stores.inbox.get(file);
      if (bytes === undefined) {
        // gone: archived by an earlier attempt of this chunk, or removed by the user
        state = advance({});
        yield { records: [], state };
        continue;
      }
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      if (state.current === null) {
        const prior = await findImportedFile(db, runRef, sha256);
        if (prior !== null) {
          await archiveObject(stores, file, bytes, `${archive}duplicates/${run.runId}/`);
          const when = prior.committedAt === null ? 'earlier in this run' : `by run ${prior.runId}`;
          input.context.logger.info('files.duplicate', { file: name, sha256, imported_as: prior.fileName, run_id: run.runId });
          state = advance({ duplicates: [...state.duplicates, `${name} (same content as ${prior.fileName}, imported ${when})`] });
          yield { records: [], state };
          continue;
        }
      } else if (state.current.sha256 !== sha256) {
        throw new ConflictError('files.changed_during_import', `${objectLocation(stores.inbox, file)} changed while it was being imported by run ${run.runId}; put the new version in the inbox under a new name after this run.`, { context: { file } });
      }
      let parsed: ReturnType<typeof rejectKeyless>;
      try {
        parsed = rejectKeyless(parseFile(bytes, name, extract, ref), input, name);
      } catch (error) {
        if (!isPlatformError(error) || !BAD_FILE_CODES.has(error.code)) throw error;
        const aside = objectLocation(stores.archive, await archiveObject(stores, file, bytes, `${archive}rejected/${run.runId}/`));
        if (ref.dataset.load === 'full') {
          // A snapshot that cannot be read must not count as "no file" (nor as an empty snapshot): the run fails.
          throw new ValidationError(error.code, `${error.message}. Nothing was loaded or deleted: the file was moved to ${aside}. Drop the corrected export in the inbox (${inboxShown}) and run again.`, { context: { ...error.context, source: ref.source.source, dataset: ref.dataset.name, moved_to: aside } });
        }
        const line = typeof error.context.line === 'number' ? error.context.line : undefined;
        state = advance({ rejected_files: [...state.rejected_files, name] });
        yield { records: [], rejects: [{ origin: name, ...(line === undefined ? {} : { line }), reason: error.message }], state };
        continue;
      }
      // rejects of a file are reported once, with its first page (a continuation re-reads the file)
      let rejectsReported = state.current !== null;
      let written = state.current?.written ?? 0;
      if (parsed.records.length === 0 && input.ref.dataset.load === 'full' && state.current === null) {
        // An export with a header and no rows is a snapshot of an empty dataset: it still becomes a (empty) raw part.
        state = { ...state, current: { sha256, written: 0 } };
        yield { records: [], origin: name, rejects: parsed.rejects, state, emptySnapshot: true };
        rejectsReported = true;
      }
      while (written < parsed.records.length) {
        const end = Math.min(parsed.records.length, written + extract.batch_size);
        const records = parsed.records.slice(written, end);
        written = end;
        state = { ...state, current: { sha256, written } };
        yield { records, origin: name, rejects: rejectsReported ? [] : parsed.rejects, state };
        rejectsReported = true;
      }
      // ledger first, then the move: after a crash in between, the continuation finds the file and moves it
      await recordImportedFile(db, runRef, { sha256, fileName: name, bytes: bytes.length, records: parsed.records.length, rejected: parsed.rejects.length, archivedAs: `${run.runId}/${name}` });
      await archiveObject(stores, file, bytes, `${archive}${run.runId}/`);
      input.context.logger.info('files.imported', { file: name, sha256, records: parsed.records.length, rejected: parsed.rejects.length, run_id: run.runId });
      state = advance({ imported: [...state.imported, name] });
      yield { records: [], rejects: rejectsReported ? [] : parsed.rejects, state };
    }
    return {
      unchanged: state.imported.length === 0,
      detail: { inbox: inboxShown, imported: state.imported, duplicates: state.duplicates, rejected_files: state.rejected_files, waiting: files.length - state.index },
    };
  }

  /**
   * Imports one CSV file as a stream from the inbox store's ranged reads: hashed in one pass, its header checked,
   * then `batch_size` records at a time parsed once and written as a part, the state after each part holding the
   * byte offset and line of the next record — a continuation reads on from there instead of reading the file
   * again, and memory holds one batch. Returns the state after the file (imported, duplicate, gone or rejected).
   */
  private async *streamCsv(input: Input, at: { stores: FilesStores; file: string; name: string; csv: CsvStreamOptions; state: FilesState; runRef: DatasetRunRef; archive: string; inboxShown: string }): AsyncGenerator<Page<FilesState>, FilesState, void> {
    const { ref, run, extract } = input;
    const db = input.context.db!;
    const { stores, file, name, csv, runRef, archive, inboxShown } = at;
    const source: ByteSource = (start) => readObjectFrom(stores.inbox, file, start);
    let state = at.state;
    const advance = (change: Partial<FilesState>): FilesState => ({ ...state, ...change, index: state.index + 1, current: null });
    const head = await stores.inbox.head(file);
    if (head === undefined) {
      // gone: archived by an earlier attempt of this chunk, or removed by the user
      state = advance({});
      yield { records: [], state };
      return state;
    }
    let current = state.current;
    const refuse = async (error: unknown, partial: boolean): Promise<FilesState> => {
      if (!isPlatformError(error) || !BAD_FILE_CODES.has(error.code)) throw error;
      const aside = objectLocation(stores.archive, await archiveStreamed(stores, file, `${archive}rejected/${run.runId}/`));
      if (ref.dataset.load === 'full' || partial) {
        // A snapshot that cannot be read must not count as "no file" (nor as an empty snapshot); a file found bad
        // after some of it was written must not count as imported: the run fails.
        throw new ValidationError(error.code, `${error.message}. Nothing of it was merged or deleted: the file was moved to ${aside}. Drop the corrected export in the inbox (${inboxShown}) and run again.`, { context: { ...error.context, source: ref.source.source, dataset: ref.dataset.name, moved_to: aside } });
      }
      return advance({ rejected_files: [...state.rejected_files, name] });
    };
    if (current === null || current.offset === undefined || current.header === undefined) {
      const print = await fingerprintBytes(source);
      const prior = await findImportedFile(db, runRef, print.sha256);
      if (prior !== null) {
        await archiveStreamed(stores, file, `${archive}duplicates/${run.runId}/`);
        const when = prior.committedAt === null ? 'earlier in this run' : `by run ${prior.runId}`;
        input.context.logger.info('files.duplicate', { file: name, sha256: print.sha256, imported_as: prior.fileName, run_id: run.runId });
        state = advance({ duplicates: [...state.duplicates, `${name} (same content as ${prior.fileName}, imported ${when})`] });
        yield { records: [], state };
        return state;
      }
      let start: CsvPosition;
      try {
        start = await readCsvStart(source, name, csv);
      } catch (error) {
        state = await refuse(error, false);
        const line = isPlatformError(error) && typeof error.context.line === 'number' ? error.context.line : undefined;
        yield { records: [], rejects: [{ origin: name, ...(line === undefined ? {} : { line }), reason: (error as Error).message }], state };
        return state;
      }
      current = { sha256: print.sha256, written: 0, rejected: 0, offset: start.offset, line: start.line, header: [...start.header], size: print.size, version: head.version };
    } else if (current.size !== head.bytes || current.version !== head.version) {
      throw new ConflictError('files.changed_during_import', `${objectLocation(stores.inbox, file)} changed while it was being imported by run ${run.runId}; put the new version in the inbox under a new name after this run.`, { context: { file } });
    }
    const begun = current.written > 0 || (current.rejected ?? 0) > 0;
    let position: CsvPosition = { offset: current.offset ?? 0, line: current.line ?? 1, header: current.header ?? [] };
    try {
      for await (const batch of streamCsvBatches(source, name, csv, position, extract.batch_size)) {
        const { records, rejects } = rejectKeyless(batch.parsed, input, name);
        position = batch.next;
        current = { ...current, written: current.written + records.length, rejected: (current.rejected ?? 0) + rejects.length, offset: position.offset, line: position.line };
        state = { ...state, current };
        yield { records, origin: name, rejects, state };
      }
    } catch (error) {
      state = await refuse(error, true);
      return state;
    }
    if (current.written === 0 && !begun && ref.dataset.load === 'full') {
      // An export with a header and no rows is a snapshot of an empty dataset: it still becomes a (empty) raw part.
      yield { records: [], origin: name, state, emptySnapshot: true };
    }
    // ledger first, then the move: after a crash in between, the continuation finds the file and moves it
    await recordImportedFile(db, runRef, { sha256: current.sha256, fileName: name, bytes: head.bytes, records: current.written, rejected: current.rejected ?? 0, archivedAs: `${run.runId}/${name}` });
    await archiveStreamed(stores, file, `${archive}${run.runId}/`);
    input.context.logger.info('files.imported', { file: name, sha256: current.sha256, records: current.written, rejected: current.rejected ?? 0, run_id: run.runId, streamed: true });
    state = advance({ imported: [...state.imported, name] });
    yield { records: [], state };
    return state;
  }
}
