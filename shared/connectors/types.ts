/**
 * What a connector receives and returns. A connector extracts one dataset of one source into
 * the raw store, page by page, within a deadline; when time runs out it returns a checkpoint and
 * the orchestrator calls it again (a new invocation) with that checkpoint.
 */
import type { DatabasePool } from 'slonik';

import type { Env } from '#platform/env.ts';
import type { Clock } from '#platform/http/clock.ts';
import type { HttpClient } from '#platform/http/createHttpClient.ts';
import type { Logger } from '#platform/log.ts';
import type { DatasetRef } from '#metadata/schema.ts';
import type { RawRunRef, RawStore } from '#platform/raw/rawStore.ts';
import type { SecretStore } from '#platform/secrets/secretStore.ts';
import type { JsonValue } from '#pipeline/cursor/datasetRunRef.ts';
import type { FilesStores } from './files/filesStores.ts';

export type ExtractRequest = {
  readonly ref: DatasetRef;
  /** The run; its parts go to raw/<source>/<dataset>/<date>/<run_id>/. */
  readonly run: RawRunRef;
  /** The checkpoint the previous chunk of this run returned; absent on the first chunk. */
  readonly checkpoint?: unknown;
  /** The dataset's committed cursor (`readCursor`); absent on the first run or after a reset. */
  readonly cursor?: unknown;
  /** Time (ms epoch) by which `extract` must have returned. */
  readonly deadline: number;
  /** Ignore the cursor and extract everything (`dp run --full`). Default: false. */
  readonly full?: boolean;
};

/** A received record that could not be used, reported in the run instead of silently dropped. */
export type RejectedRecord = {
  /** Where it came from: a file name, a URL without secrets. */
  readonly origin: string;
  /** 1-based line in the file, when the origin is a file. */
  readonly line?: number;
  readonly reason: string;
  /** The offending text, shortened. */
  readonly text?: string;
  /** The record's key (canonical values in key order) when it could still be read: on a full load that key counts as present. */
  readonly key?: readonly string[];
  /** The key's 128-bit hash (32 hex digits), as silver computes it. */
  readonly keyHash?: string;
};

export type ExtractResult = {
  /** True when the dataset has been extracted completely for this run. */
  readonly done: boolean;
  /** Where the next chunk starts (plain JSON), when not done. */
  readonly checkpoint?: JsonValue;
  /** The cursor reached, when done: the extract step stages it; it becomes the dataset's cursor when the run succeeds. */
  readonly nextCursor?: JsonValue;
  /** Raw parts written by this call. */
  readonly pages: number;
  /** Records written by this call. */
  readonly records: number;
  /** Done, and the source said nothing changed (HTTP 304): skip bronze and silver; for a full load an empty snapshot would delete everything. */
  readonly unchanged?: boolean;
  /** When not done because the API asked to wait (rate limit, Retry-After): the earliest time (ms epoch) to continue. */
  readonly resumeAt?: number;
  /** Records reported as unusable (bad CSV rows…), never silently dropped. */
  readonly rejects: readonly RejectedRecord[];
  /** Facts for the run record (files imported, budgets read…). */
  readonly detail: Readonly<Record<string, JsonValue>>;
};

/** What a connector may use; tests hand in real local services and a manual clock. */
export type ConnectorContext = {
  readonly raw: RawStore;
  readonly secrets: SecretStore;
  readonly logger: Logger;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** Default: `createHttpClient()`. */
  readonly http?: HttpClient;
  /** Platform database; the files connector keeps its import ledger there. */
  readonly db?: DatabasePool;
  /** Default: `getEnv()`. */
  readonly env?: Env;
  /** The files connector's inbox and archive. Default: the stores DP_INBOX_URL and DP_ARCHIVE_URL name. */
  readonly files?: FilesStores;
};
