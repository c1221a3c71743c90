import path from 'node:path';

import pg from 'pg';
import { loadMigrationFiles, migrate } from 'postgres-migrations';

import { projectRoot } from '../env.ts';
import { ConflictError, PlatformError } from '../errors.ts';
import { translateDatabaseError } from './translateDatabaseError.ts';

/** Folder of the platform's forward-only migrations (`NNNN_description.sql`). */
export const migrationsDirectory = path.join(projectRoot, 'migrations');

export type MigrateOptions = {
  /** Postgres URL to migrate. */
  readonly url: string;
  /** Folder holding the migration files. Default: `migrations/`. */
  readonly directory?: string;
  /** Receives one line per applied migration. Default: silent. */
  readonly onApplied?: (fileName: string) => void;
};

export type MigrateResult = {
  /** File names applied by this call, in order; empty when the database was up to date. */
  readonly applied: readonly string[];
};

type AppliedRow = { id: number; name: string; hash: string };

/**
 * Refuses to run when a migration that was already applied has changed or disappeared.
 * postgres-migrations checks this too, but only with a message; this names each file and the fix.
 */
async function assertAppliedUnchanged(client: pg.Client, directory: string): Promise<void> {
  const exists = await client.query<{ present: boolean }>(`SELECT to_regclass('public.migrations') IS NOT NULL AS present`);
  if (exists.rows[0]?.present !== true) {
    return;
  }
  const applied = await client.query<AppliedRow>('SELECT id, name, hash FROM public.migrations ORDER BY id');
  const files = await loadMigrationFiles(directory);
  const byId = new Map(files.map((file) => [file.id, file]));
  const problems: string[] = [];
  for (const row of applied.rows) {
    const file = byId.get(row.id);
    if (file === undefined) {
      problems.push(`migration ${row.id} (${row.name}) was applied but its file is gone`);
    } else if (file.hash !== row.hash) {
      problems.push(`${file.fileName} changed after it was applied`);
    }
  }
  if (problems.length > 0) {
    throw new ConflictError(
      'migration.edited',
      `Refusing to migrate: ${problems.join('; ')}. Landed migrations are never edited: restore the file and put the change in a new migration with the next number.`,
      { context: { problems } },
    );
  }
}

/**
 * Applies pending migrations, each in its own transaction, under an advisory lock.
 * Applied files are recorded with a checksum; running it again applies nothing.
 */
export async function migrateDatabase(options: MigrateOptions): Promise<MigrateResult> {
  const directory = options.directory ?? migrationsDirectory;
  const client = new pg.Client({ connectionString: options.url });
  try {
    await client.connect();
  } catch (error) {
    throw translateDatabaseError(error);
  }
  try {
    await assertAppliedUnchanged(client, directory);
    const applied = await migrate({ client }, directory, { logger: () => undefined });
    const names = applied.filter((migration) => migration.id > 0).map((migration) => migration.fileName);
    for (const name of names) {
      options.onApplied?.(name);
    }
    return { applied: names };
  } catch (error) {
    if (error instanceof PlatformError) {
      throw error;
    }
    throw new PlatformError('migration.failed', `Migration failed and was rolled back: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    await client.end();
  }
}
