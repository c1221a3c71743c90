import { createHash } from 'node:crypto';
import path from 'node:path';

import { ConfigError, ConflictError, isPlatformError, ValidationError } from '#platform/errors.ts';
import type { Finish, Page, PageInput, StartInput } from '../connector.ts';
import { Connector } from '../connector.ts';
import type { DatasetRunRef } from '#pipeline/cursor/datasetRunRef.ts';
import { filesConfigSchema, filesExtractSchema, filesStateSchema, fileMatcher, type FilesConfig, type FilesExtract, type FilesState } from './filesSettings.ts';
import { claimInboxListing } from './claimInboxListing.ts';
import { findImportedFile } from './findImportedFile.ts';
import { objectLocation, readObjectFrom, type ObjectHead } from '#platform/raw/objectStore.ts';
import { filesLocations, listInbox, listRunArchive, moveToArchive, openFilesStores, runArchivePrefix, type FileAt, type FilesStores, type MovedFile } from './filesStores.ts';
import { BAD_FILE_CODES } from './parsedFile.ts';
import { csvStreamOptionsOf, parseExportFile, rejectKeyless, type CsvStreamOptions } from './parseExportFile.ts';
import { fingerprintBytes, readCsvStart, streamCsvBatches, type ByteSource, type CsvPosition } from './streamCsvFile.ts';
import { recordImportedFile } from './recordImportedFile.ts';

type Input = PageInput<FilesConfig, FilesExtract, FilesState>;

/** What the import of one file needs besides the connector's input. */
type FileJob = {
  readonly stores: FilesStores;
  /** The file's key in the inbox, as the run listed it. */
  readonly file: string;
  readonly name: string;
  /** Where the file is now, and its size and version there. */
  readonly at: FileAt;
  readonly head: ObjectHead;
  readonly state: FilesState;
  readonly runRef: DatasetRunRef;
  /** The dataset's archive prefix. */
  readonly archive: string;
  readonly inboxShown: string;
};

/** Keeps the first of the keys that share a file name (sorted: the source's inbox before the dataset's); returns the others apart. */
function oneFilePerName(keys: readonly string[]): { files: string[]; later: string[] } {
  const seen = new Set<string>();
  const files: string[] = [];
  const later: string[] = [];
  for (const key of keys) {
    const name = path.posix.basename(key);
    (seen.has(name) ? later : files).push(key);
    seen.add(name);
  }
  return { files, later };
}

/**
 * The `files` connector: imports CSV, JSON and JSON Lines exports dropped in a dataset's inbox.
 * Each imported file goes to the archive and its content hash to platform.imported_files, so
 * the same content is never imported twice (it goes to archive/duplicates instead). Bad rows are
 * rejected with file and line and the import goes on; a file that cannot be read at all goes to
 * archive/rejected. A full-load dataset imports one file (one snapshot) per run, oldest name first.
 *
 * Retries: the first attempt records the run's list of files (platform.inbox_listings) before it writes a part;
 * every attempt works through that list, reading each file where it is — in the inbox, or in the run's archive
 * folder an attempt that failed afterwards moved it to — so a retry from any checkpoint writes the same parts and
 * imports the same files. A file is never skipped because an earlier attempt moved it.
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
      // oldest export first, by file name (exports are usually named by date); one file per name, so the name is
      // the file's identity within the run (archive key, ledger row)
      const { files: listed, later } = oneFilePerName(found.sort((a, b) => path.posix.basename(a).localeCompare(path.posix.basename(b)) || a.localeCompare(b)));
      const files = await claimInboxListing(db, runRef, listed);
      state = { ...state, files: [...files] };
      input.context.logger.info('files.inbox', { source: ref.source.source, dataset: ref.dataset.name, run_id: run.runId, inbox: inboxShown, shared_inbox: sharedInbox === undefined ? null : objectLocation(stores.inbox, sharedInbox), files: files.length, ...(later.length === 0 ? {} : { same_name_next_run: later }), ...(files.length === listed.length && files.every((file, i) => file === listed[i]) ? {} : { listed_by_earlier_attempt: true }) });
    }
    const files = state.files ?? [];
    // files that earlier attempts of this run moved out of the inbox (empty unless an attempt failed after a move)
    const moved = state.index < files.length ? await listRunArchive(stores, archive, run.runId) : new Map<string, FileAt>();

    while (state.index < files.length && !(ref.dataset.load === 'full' && state.imported.length > 0)) {
      const file = files[state.index] ?? '';
      const name = path.posix.basename(file);
      const at: FileAt = moved.get(name) ?? { store: stores.inbox, key: file, archived: undefined };
      const head = await at.store.head(at.key);
      if (head === undefined) {
        state = this.gone(input, stores, file, state);
        yield { records: [], state };
        continue;
      }
      const job: FileJob = { stores, file, name, at, head, state, runRef, archive, inboxShown };
      const csv = csvStreamOptionsOf(name, extract, ref);
      // CSV in an ASCII-compatible encoding: streamed, parsed once, resumed from a byte offset; the rest read whole
      state = csv === undefined ? yield* this.readWhole(input, job) : yield* this.streamCsv(input, job, csv);
    }
    return {
      unchanged: state.imported.length === 0,
      detail: { inbox: inboxShown, imported: state.imported, duplicates: state.duplicates, rejected_files: state.rejected_files, waiting: files.length - state.index },
    };
  }

  /**
   * A listed file that is neither in the inbox nor in the run's archive: removed by a person. Before its import
   * began that is no import; in the middle of it (some records written) the run fails, so no part of a file is merged.
   */
  private gone(input: Input, stores: FilesStores, file: string, state: FilesState): FilesState {
    const { ref, run } = input;
    if (state.current !== null) {
      throw new ConflictError('files.gone_during_import', `${objectLocation(stores.inbox, file)} was removed from the inbox while run ${run.runId} imported it (${state.current.written} of its records already written); nothing of it is merged and the run fails. Drop the file again and start a new run.`, { context: { file, source: ref.source.source, dataset: ref.dataset.name } });
    }
    input.context.logger.info('files.gone', { file: path.posix.basename(file), run_id: run.runId });
    return { ...state, index: state.index + 1, current: null };
  }

  /** A file whose content was imported already (by a committed run, or by another file of this run): moved to duplicates; null when new. */
  private async duplicate(input: Input, job: FileJob, sha256: string, bytes?: Buffer): Promise<FilesState | null> {
    const { run } = input;
    const prior = await findImportedFile(input.context.db!, job.runRef, sha256, job.name);
    if (prior === null) return null;
    await moveToArchive(job.stores, job.at, runArchivePrefix(job.archive, run.runId, 'duplicates'), this.moved(job, sha256, bytes));
    const when = prior.committedAt === null ? 'earlier in this run' : `by run ${prior.runId}`;
    input.context.logger.info('files.duplicate', { file: job.name, sha256, imported_as: prior.fileName, run_id: run.runId });
    return { ...job.state, index: job.state.index + 1, current: null, duplicates: [...job.state.duplicates, `${job.name} (same content as ${prior.fileName}, imported ${when})`] };
  }

  /**
   * A file that cannot be read at all: moved to the run's rejected folder. On a full load, or once some of it was
   * written, the run fails (a snapshot that cannot be read is not "no file", and half a file is not an import); else
   * the state moves on to the next file.
   */
  private async refuse(input: Input, job: FileJob, error: unknown, partial: boolean, sha256: string, bytes?: Buffer): Promise<FilesState> {
    const { ref, run } = input;
    if (!isPlatformError(error) || !BAD_FILE_CODES.has(error.code)) throw error;
    const aside = objectLocation(job.stores.archive, await moveToArchive(job.stores, job.at, runArchivePrefix(job.archive, run.runId, 'rejected'), this.moved(job, sha256, bytes)));
    if (ref.dataset.load === 'full' || partial) {
      throw new ValidationError(error.code, `${error.message}. Nothing of it was merged or deleted: the file was moved to ${aside}. Drop the corrected export in the inbox (${job.inboxShown}) and run again.`, { context: { ...error.context, source: ref.source.source, dataset: ref.dataset.name, moved_to: aside } });
    }
    return { ...job.state, index: job.state.index + 1, current: null, rejected_files: [...job.state.rejected_files, job.name] };
  }

  /** Ledger first, then the move: an attempt that fails in between is retried on the file where it is, and imports it again. */
  private async imported(input: Input, job: FileJob, state: FilesState, file: { sha256: string; records: number; rejected: number }, bytes?: Buffer): Promise<FilesState> {
    const { run } = input;
    await recordImportedFile(input.context.db!, job.runRef, { sha256: file.sha256, fileName: job.name, bytes: job.head.bytes, records: file.records, rejected: file.rejected, archivedAs: `${run.runId}/${job.name}` });
    await moveToArchive(job.stores, job.at, runArchivePrefix(job.archive, run.runId, 'imported'), this.moved(job, file.sha256, bytes));
    input.context.logger.info('files.imported', { file: job.name, sha256: file.sha256, records: file.records, rejected: file.rejected, run_id: run.runId, ...(job.at.archived === undefined ? {} : { read_from_archive: job.at.archived }) });
    return { ...state, index: state.index + 1, current: null, imported: [...state.imported, job.name] };
  }

  /** Imports a file read whole (JSON, JSON Lines, CSV that cannot be streamed): parsed once per chunk, `batch_size` records per part. */
  private async *readWhole(input: Input, job: FileJob): AsyncGenerator<Page<FilesState>, FilesState, void> {
    const { ref, extract } = input;
    let state = job.state;
    const bytes = await job.at.store.get(job.at.key);
    if (bytes === undefined) {
      state = this.gone(input, job.stores, job.file, state);
      yield { records: [], state };
      return state;
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (state.current === null) {
      const duplicate = await this.duplicate(input, job, sha256, bytes);
      if (duplicate !== null) {
        yield { records: [], state: duplicate };
        return duplicate;
      }
    } else if (state.current.sha256 !== sha256) {
      throw this.changed(input, job);
    }
    let parsed: ReturnType<typeof rejectKeyless>;
    try {
      parsed = rejectKeyless(parseExportFile(bytes, job.name, extract, ref), ref, job.name);
    } catch (error) {
      state = await this.refuse(input, job, error, false, sha256, bytes);
      const line = isPlatformError(error) && typeof error.context.line === 'number' ? error.context.line : undefined;
      yield { records: [], rejects: [{ origin: job.name, ...(line === undefined ? {} : { line }), reason: (error as Error).message }], state };
      return state;
    }
    // rejects of a file are reported once, with its first page (a continuation re-reads the file)
    let rejectsReported = state.current !== null;
    let written = state.current?.written ?? 0;
    if (parsed.records.length === 0 && ref.dataset.load === 'full' && state.current === null) {
      // An export with a header and no rows is a snapshot of an empty dataset: it still becomes a (empty) raw part.
      state = { ...state, current: { sha256, written: 0 } };
      yield { records: [], origin: job.name, rejects: parsed.rejects, state, emptySnapshot: true };
      rejectsReported = true;
    }
    while (written < parsed.records.length) {
      const end = Math.min(parsed.records.length, written + extract.batch_size);
      const records = parsed.records.slice(written, end);
      written = end;
      state = { ...state, current: { sha256, written } };
      yield { records, origin: job.name, rejects: rejectsReported ? [] : parsed.rejects, state };
      rejectsReported = true;
    }
    state = await this.imported(input, job, state, { sha256, records: parsed.records.length, rejected: parsed.rejects.length }, bytes);
    yield { records: [], rejects: rejectsReported ? [] : parsed.rejects, state };
    return state;
  }

  private moved(job: FileJob, sha256: string, bytes: Buffer | undefined): MovedFile {
    return { listedAs: job.file, size: job.head.bytes, sha256, ...(bytes === undefined ? {} : { bytes }) };
  }

  private changed(input: Input, job: FileJob): ConflictError {
    return new ConflictError('files.changed_during_import', `${objectLocation(job.at.store, job.at.key)} changed while it was being imported by run ${input.run.runId}; put the new version in the inbox under a new name after this run.`, { context: { file: job.file } });
  }

  /**
   * Imports one CSV file as a stream of ranged reads: hashed in one pass, its header checked, then `batch_size`
   * records at a time parsed once and written as a part, the state after each part holding the byte offset and line
   * of the next record — a continuation reads on from there instead of reading the file again, and memory holds one
   * batch. Returns the state after the file (imported, duplicate or rejected).
   */
  private async *streamCsv(input: Input, job: FileJob, csv: CsvStreamOptions): AsyncGenerator<Page<FilesState>, FilesState, void> {
    const { ref, extract } = input;
    const { at, head, name } = job;
    const source: ByteSource = (start) => readObjectFrom(at.store, at.key, start);
    let state = job.state;
    let current = state.current;
    if (current === null || current.offset === undefined || current.header === undefined) {
      const print = await fingerprintBytes(source);
      const duplicate = await this.duplicate(input, job, print.sha256);
      if (duplicate !== null) {
        yield { records: [], state: duplicate };
        return duplicate;
      }
      let start: CsvPosition;
      try {
        start = await readCsvStart(source, name, csv);
      } catch (error) {
        state = await this.refuse(input, job, error, false, print.sha256);
        const line = isPlatformError(error) && typeof error.context.line === 'number' ? error.context.line : undefined;
        yield { records: [], rejects: [{ origin: name, ...(line === undefined ? {} : { line }), reason: (error as Error).message }], state };
        return state;
      }
      current = { sha256: print.sha256, written: 0, rejected: 0, offset: start.offset, line: start.line, header: [...start.header], size: print.size, version: head.version };
    } else if (current.size !== head.bytes || current.version !== head.version) {
      // A copy in the run's archive (moved there by an attempt that failed later) has another version: same content?
      if (at.archived === undefined || current.size !== head.bytes || (await fingerprintBytes(source)).sha256 !== current.sha256) throw this.changed(input, job);
      current = { ...current, version: head.version };
    }
    const begun = current.written > 0 || (current.rejected ?? 0) > 0;
    let position: CsvPosition = { offset: current.offset ?? 0, line: current.line ?? 1, header: current.header ?? [] };
    try {
      for await (const batch of streamCsvBatches(source, name, csv, position, extract.batch_size)) {
        const { records, rejects } = rejectKeyless(batch.parsed, ref, name);
        position = batch.next;
        current = { ...current, written: current.written + records.length, rejected: (current.rejected ?? 0) + rejects.length, offset: position.offset, line: position.line };
        state = { ...state, current };
        yield { records, origin: name, rejects, state };
      }
    } catch (error) {
      return this.refuse(input, { ...job, state }, error, true, current.sha256);
    }
    if (current.written === 0 && !begun && ref.dataset.load === 'full') {
      // An export with a header and no rows is a snapshot of an empty dataset: it still becomes a (empty) raw part.
      yield { records: [], origin: name, state, emptySnapshot: true };
    }
    state = await this.imported(input, job, state, { sha256: current.sha256, records: current.written, rejected: current.rejected ?? 0 });
    yield { records: [], state };
    return state;
  }
}
