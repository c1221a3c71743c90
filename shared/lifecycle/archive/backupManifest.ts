/**
 * The manifest of a backup: what the archive holds, with sizes and checksums, written last (a
 * backup folder without one is incomplete and never restored). Layout of a backup target:
 *
 *   backups/<id>/manifest.json            this document
 *   backups/<id>/postgres/<file>.<nnnnn>  pg_dump output, cut into objects of at most 32 MiB
 *   backups/<id>/bronze/<coll>.<nnnnn>    one collection as gzipped canonical Extended JSON lines
 *   objects/sha256/<aa>/<sha256>.gz       raw files by content hash, shared by every backup
 *
 * `<id>` is the UTC start time, `20261126T031500Z`, so ids sort by date.
 */
import { z } from 'zod';

export const BACKUP_FORMAT = 'dataplatform-backup/1';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const count = z.number().int().nonnegative();

/** One object of a stored file. */
export const storedChunkSchema = z.object({ key: z.string(), bytes: count, sha256 });

/** A file stored as consecutive objects: the whole file's size and checksum, and each object's. */
export const storedFileSchema = z.object({ name: z.string(), bytes: count, sha256, chunks: z.array(storedChunkSchema) });
export type StoredFile = z.output<typeof storedFileSchema>;

export const tableCountSchema = z.object({ schema: z.string(), table: z.string(), rows: count });
export type TableCount = z.output<typeof tableCountSchema>;

export const bronzeCollectionSchema = z.object({
  name: z.string(),
  documents: count,
  /** Secondary indexes as the server listed them (`_id` excluded), recreated on restore. */
  indexes: z.array(z.object({ name: z.string(), key: z.record(z.string(), z.union([z.number(), z.string()])), unique: z.boolean().optional() })),
  file: storedFileSchema,
});
export type BronzeCollection = z.output<typeof bronzeCollectionSchema>;

/** One raw file: its key in the raw store and the content-addressed object holding its bytes. */
export const rawObjectSchema = z.object({ key: z.string(), bytes: count, sha256 });
export type RawObject = z.output<typeof rawObjectSchema>;

export const backupManifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  id: z.string().regex(/^\d{8}T\d{6}Z(-\d+)?$/),
  started_at: z.string(),
  finished_at: z.string(),
  platform: z.object({
    version: z.string(),
    /** Migration files applied to the dumped database, in order. */
    migrations: z.array(z.string()),
  }),
  postgres: z.object({
    database: z.string(),
    server_version: z.string(),
    pg_dump_version: z.string(),
    format: z.enum(['custom', 'directory']),
    /** Parallel pg_dump workers (directory format only; 1 for custom). */
    jobs: z.number().int().positive(),
    /** Schemas left out of the dump (a FerretDB schema in the same database: bronze is exported through the driver). */
    excluded_schemas: z.array(z.string()),
    files: z.array(storedFileSchema),
    /** Rows of every table, counted in the snapshot pg_dump dumped. */
    tables: z.array(tableCountSchema),
  }),
  bronze: z.object({
    /** `driver`: documents exported through the MongoDB driver (works for MongoDB and FerretDB alike). */
    mode: z.literal('driver'),
    database: z.string(),
    collections: z.array(bronzeCollectionSchema),
  }),
  raw: z.object({
    location: z.string(),
    objects: z.array(rawObjectSchema),
    /** Objects this backup stored; the others were already in the target from an earlier backup. */
    new_objects: count,
    new_bytes: count,
  }),
  /** Bytes this backup added to the target (dump, bronze, new raw objects, manifest excluded). */
  stored_bytes: count,
});
export type BackupManifest = z.output<typeof backupManifestSchema>;

/** The folder of one backup in a target. */
export const backupPrefix = (id: string): string => `backups/${id}/`;

/** The manifest key of one backup. */
export const manifestKey = (id: string): string => `${backupPrefix(id)}manifest.json`;

/** The content-addressed key of a raw file's bytes (gzipped). */
export const casKey = (sha: string): string => `objects/sha256/${sha.slice(0, 2)}/${sha}.gz`;

/** A backup id for a start time: `YYYYMMDDTHHMMSSZ`. */
export function backupIdAt(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** The start time a backup id names. */
export function backupIdDate(id: string): Date {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(id);
  if (match === null) return new Date(Number.NaN);
  const [, y, mo, d, h, mi, s] = match;
  return new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
}
