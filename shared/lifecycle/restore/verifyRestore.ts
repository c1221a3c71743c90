import type { Db } from 'mongodb';

import type { CommonQueryMethods } from '#platform/db/sql.ts';
import { translateMongoError } from '#platform/mongo/createMongoClient.ts';
import type { ObjectStore } from '#platform/raw/objectStore.ts';
import type { BackupManifest } from '../archive/backupManifest.ts';
import { readDatabaseInventory } from '../backup/readDatabaseInventory.ts';

/** One thing the restore compared with the manifest. */
export type RestoreCheck = {
  readonly what: string;
  readonly expected: number;
  readonly actual: number;
};

export type RestoreVerification = {
  readonly ok: boolean;
  /** Every comparison made; `mismatches` are those that differ. */
  readonly checks: readonly RestoreCheck[];
  readonly mismatches: readonly RestoreCheck[];
};

/**
 * Compares the restored platform with the manifest: the rows of every table, the documents of every
 * bronze collection, and the presence of every raw file (their bytes were checked when written back).
 */
export async function verifyRestore(options: { readonly manifest: BackupManifest; readonly connection: CommonQueryMethods; readonly bronze: Db; readonly raw: ObjectStore }): Promise<RestoreVerification> {
  const checks: RestoreCheck[] = [];
  const inventory = await readDatabaseInventory(options.connection);
  const rows = new Map(inventory.tables.map((table) => [`${table.schema}.${table.table}`, table.rows]));
  for (const table of options.manifest.postgres.tables) {
    const name = `${table.schema}.${table.table}`;
    checks.push({ what: `table ${name} rows`, expected: table.rows, actual: rows.get(name) ?? -1 });
  }
  for (const collection of options.manifest.bronze.collections) {
    const documents = await options.bronze
      .collection(collection.name)
      .countDocuments({})
      .catch((error: unknown) => {
        throw translateMongoError(error);
      });
    checks.push({ what: `bronze ${collection.name} documents`, expected: collection.documents, actual: documents });
  }
  const present = new Set(await options.raw.list('raw/'));
  checks.push({ what: 'raw files', expected: options.manifest.raw.objects.length, actual: options.manifest.raw.objects.filter((object) => present.has(object.key)).length });
  const mismatches = checks.filter((check) => check.expected !== check.actual);
  return { ok: mismatches.length === 0, checks, mismatches };
}
