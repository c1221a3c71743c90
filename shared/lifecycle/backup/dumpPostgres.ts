import { mkdir, readdir, rm } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import path from 'node:path';

import { z } from 'zod';

import { sql, type DatabasePool } from '#platform/db/sql.ts';
import { ConfigError } from '#platform/errors.ts';
import type { ObjectStore } from '#platform/raw/objectStore.ts';
import type { BackupManifest, StoredFile } from '../archive/backupManifest.ts';
import { createStoredFileWriter } from '../archive/createStoredFileWriter.ts';
import { databaseNameOf, pgToolMajorVersion, runPgTool, toPgConnection } from '../archive/runPgTool.ts';
import { formatBytes } from '../archive/formatBytes.ts';
import type { BackupProgress } from './backupProgress.ts';
import { readDatabaseInventory, TRANSIENT_SCHEMAS } from './readDatabaseInventory.ts';

export type DumpPostgresOptions = {
  readonly pool: DatabasePool;
  /** The same database as `pool`, for pg_dump. */
  readonly url: string;
  readonly objects: ObjectStore;
  /** Key prefix of the dump's objects (`backups/<id>/postgres/`). */
  readonly prefix: string;
  /** Local folder for the dump before it is stored; emptied afterwards. */
  readonly workDir: string;
  /** pg_dump workers: 1 writes one custom-format file; more write the directory format in parallel. Default 1. */
  readonly jobs?: number;
  /** Folder of pg_dump (DP_PG_BIN_DIR). Default: PATH. */
  readonly binDir?: string;
  readonly progress?: BackupProgress;
};

async function storeFile(objects: ObjectStore, prefix: string, file: string, name: string): Promise<StoredFile> {
  const writer = createStoredFileWriter(objects, `${prefix}${name}`, name);
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * 1024 * 1024 })) {
    await writer.write(chunk as Buffer);
  }
  return writer.finish();
}

/**
 * Dumps the platform database with pg_dump inside one REPEATABLE READ snapshot that is also used to
 * count every table, so the manifest's row counts are exactly what the dump holds. Custom format
 * (one compressed file, restorable in parallel with `pg_restore -j`) unless `jobs` > 1, which dumps
 * the directory format with that many workers. Merges and replays in progress (schemas `staging`,
 * `replay`) and FerretDB's own schemas (bronze goes through the driver) are left out.
 */
export async function dumpPostgres(options: DumpPostgresOptions): Promise<BackupManifest['postgres'] & { readonly migrations: readonly string[] }> {
  const jobs = Math.max(1, options.jobs ?? 1);
  const format = jobs > 1 ? ('directory' as const) : ('custom' as const);
  const database = databaseNameOf(options.url);
  const tool = await pgToolMajorVersion('pg_dump', options.binDir);
  await rm(options.workDir, { recursive: true, force: true });
  await mkdir(options.workDir, { recursive: true });
  const target = path.join(options.workDir, format === 'custom' ? `${database}.dump` : `${database}.dir`);

  const inventory = await options.pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`);
    const snapshot = await tx.oneFirst(sql.type(z.object({ snapshot: z.string() }))`SELECT pg_export_snapshot() AS snapshot`);
    const found = await readDatabaseInventory(tx);
    if (tool.major < found.serverMajor) {
      throw new ConfigError('backup.pg_dump_too_old', `${tool.version} cannot dump a PostgreSQL ${found.serverVersion} server; install postgresql-client-${found.serverMajor} (or newer) and point DP_PG_BIN_DIR at its bin folder.`);
    }
    options.progress?.({ phase: 'postgres', message: `dumping ${database} (${found.tables.length} tables, ${found.tables.reduce((sum, table) => sum + table.rows, 0).toLocaleString('en-US')} rows) with pg_dump, ${format} format${jobs > 1 ? `, ${jobs} jobs` : ''}` });
    const connection = toPgConnection(options.url);
    const excluded = [...TRANSIENT_SCHEMAS.map((schema) => `--exclude-table=${schema}.*`), ...found.ferretdbSchemas.map((schema) => `--exclude-schema=${schema}`)];
    await runPgTool(
      'pg_dump',
      [`--format=${format}`, ...(jobs > 1 ? [`--jobs=${jobs}`] : []), `--snapshot=${snapshot}`, '--no-owner', '--no-privileges', ...excluded, `--file=${target}`, `--dbname=${connection.dbname}`],
      { ...(options.binDir === undefined ? {} : { binDir: options.binDir }), ...(connection.password === undefined ? {} : { password: connection.password }) },
    );
    return found;
  });

  const files: StoredFile[] = [];
  if (format === 'custom') {
    files.push(await storeFile(options.objects, options.prefix, target, path.basename(target)));
  } else {
    for (const entry of (await readdir(target)).sort()) {
      files.push(await storeFile(options.objects, options.prefix, path.join(target, entry), `${path.basename(target)}/${entry}`));
    }
  }
  await rm(options.workDir, { recursive: true, force: true });
  const bytes = files.reduce((sum, file) => sum + file.bytes, 0);
  options.progress?.({ phase: 'postgres', message: `stored ${files.length} file(s), ${formatBytes(bytes)}` });
  return {
    database,
    server_version: inventory.serverVersion,
    pg_dump_version: tool.version,
    format,
    jobs,
    excluded_schemas: [...inventory.ferretdbSchemas],
    files,
    tables: [...inventory.tables],
    migrations: inventory.migrations,
  };
}
