/**
 * The raw layer: immutable JSON files, one per page or batch a connector received, plus a
 * manifest per run. The interface is what connectors write to and the bronze loader reads from;
 * drivers: a local folder (local runs, tests) and, later, an S3-compatible object store (faasd,
 * where functions have no shared volume).
 *
 * Key layout: raw/<source>/<dataset>/<yyyy>/<mm>/<dd>/<run_id>/part-<nnnnn>.json
 *             raw/<source>/<dataset>/<yyyy>/<mm>/<dd>/<run_id>/manifest.json
 * The date is the run's start date in UTC.
 */

/** Identifies one run of one dataset in the raw layer. */
export type RawRunRef = {
  readonly source: string;
  readonly dataset: string;
  readonly runId: string;
  /** When the run started; fixes the date folders. */
  readonly startedAt: Date;
};

/** The content of one part file. */
export type RawPart = {
  readonly source: string;
  readonly dataset: string;
  readonly run_id: string;
  readonly part: number;
  /** ISO timestamp at which the connector received the page. */
  readonly received_at: string;
  /** Where the page came from (URL without secrets, file name…), for lineage. */
  readonly origin?: string;
  readonly records: readonly unknown[];
};

export type RawPartInfo = {
  /** Store key of the part file (relative, `raw/...`). */
  readonly key: string;
  readonly part: number;
  readonly records: number;
  readonly bytes: number;
  /** sha256 of the file's bytes, hex. */
  readonly sha256: string;
};

export type RawManifest = {
  readonly source: string;
  readonly dataset: string;
  readonly run_id: string;
  readonly started_at: string;
  /** True once the connector delivered the last page of the run. */
  readonly complete: boolean;
  readonly parts: readonly RawPartInfo[];
  readonly records: number;
};

export type RawStore = {
  /** Human-readable location, for logs (`file:///…/.data/raw` or `s3://bucket/prefix`). */
  readonly location: string;
  /**
   * Writes one part. Writing the same part with the same records again is a no-op that returns
   * the same info; writing different records under an existing part number is a ConflictError.
   */
  readonly writePart: (run: RawRunRef, part: number, records: readonly unknown[], origin?: string) => Promise<RawPartInfo>;
  /** Records the run's parts (and whether the run is complete) in its manifest. */
  readonly writeManifest: (run: RawRunRef, complete: boolean) => Promise<RawManifest>;
  /** The run's manifest, or null when the run wrote nothing yet. */
  readonly readManifest: (run: RawRunRef) => Promise<RawManifest | null>;
  /** The parts written for a run, in part order (whether or not a manifest lists them). */
  readonly listParts: (run: RawRunRef) => Promise<readonly RawPartInfo[]>;
  /** The keys of a run's parts, sorted, without reading them. */
  readonly listPartKeys: (run: RawRunRef) => Promise<readonly string[]>;
  /** Reads and parses one part by key (gzipped or not); a file that does not parse is a ValidationError naming the key. */
  readonly readPart: (key: string) => Promise<RawPart>;
  /** Deletes the runs of a dataset that started before `before`; returns the run ids removed. */
  readonly deleteRunsBefore: (source: string, dataset: string, before: Date) => Promise<readonly string[]>;
  /**
   * Gzips the part files of the runs of a dataset that started on days before `before` (`part-<nnnnn>.json.gz`);
   * stops starting new files at `deadline` (epoch milliseconds), leaving the rest for the next call.
   */
  readonly compressRunsBefore: (source: string, dataset: string, before: Date, deadline?: number) => Promise<{ readonly files: number; readonly bytesBefore: number; readonly bytesAfter: number }>;
  /** How much of the store a dataset uses. */
  readonly measure: (source: string, dataset: string) => Promise<RawUsage>;
};

/** A dataset's share of the raw store. */
export type RawUsage = {
  readonly runs: number;
  /** Files (parts and manifests), compressed ones included. */
  readonly files: number;
  readonly bytes: number;
  /** Part files gzipped by retention, and their bytes (included above). */
  readonly compressedFiles: number;
  readonly compressedBytes: number;
};

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/** The folder key of a run: raw/<source>/<dataset>/<yyyy>/<mm>/<dd>/<run_id>. */
export function rawRunPrefix(run: RawRunRef): string {
  const d = run.startedAt;
  return ['raw', run.source, run.dataset, pad(d.getUTCFullYear(), 4), pad(d.getUTCMonth() + 1, 2), pad(d.getUTCDate(), 2), run.runId].join('/');
}

/** The key of one part file. */
export function rawPartKey(run: RawRunRef, part: number): string {
  return `${rawRunPrefix(run)}/part-${pad(part, 5)}.json`;
}
