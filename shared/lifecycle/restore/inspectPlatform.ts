import { z } from 'zod';
import type { Db } from 'mongodb';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { translateMongoError } from '#platform/mongo/createMongoClient.ts';
import type { ObjectStore } from '#platform/raw/objectStore.ts';
import { listBronzeCollections } from '../backup/exportBronze.ts';

export type PlatformContents = {
  /** Tables that hold rows (the migrations' own bookkeeping excepted), as `schema.table`. */
  readonly tablesWithRows: readonly string[];
  /** Tables that exist, empty or not. */
  readonly tables: number;
  /** Bronze collections that hold documents. */
  readonly collectionsWithDocuments: readonly string[];
  /** Raw files (up to the first few). */
  readonly rawFiles: readonly string[];
};

const tableSchema = z.object({ schema: z.string(), table: z.string() });

/** What data a platform holds, to tell an empty one (fresh, or only migrated) from one a restore would overwrite. */
export async function inspectPlatform(options: { readonly connection: CommonQueryMethods; readonly bronze: Db; readonly raw: ObjectStore }): Promise<PlatformContents> {
  const tables = await options.connection.any(sql.type(tableSchema)`
    SELECT n.nspname AS schema, c.relname AS table
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
      AND n.nspname NOT IN (SELECT table_schema FROM information_schema.tables WHERE table_name = '_ferretdb_database_metadata')
    ORDER BY 1, 2`);
  const tablesWithRows: string[] = [];
  for (const table of tables) {
    if (table.schema === 'public' && table.table === 'migrations') continue;
    const hasRows = await options.connection.oneFirst(sql.type(z.object({ has: z.boolean() }))`SELECT EXISTS (SELECT 1 FROM ${sql.identifier([table.schema, table.table])}) AS has`);
    if (hasRows) tablesWithRows.push(`${table.schema}.${table.table}`);
  }
  const collectionsWithDocuments: string[] = [];
  for (const name of await listBronzeCollections(options.bronze)) {
    const document = await options.bronze
      .collection(name)
      .findOne({}, { projection: { _id: 1 } })
      .catch((error: unknown) => {
        throw translateMongoError(error);
      });
    if (document !== null) collectionsWithDocuments.push(name);
  }
  const rawFiles = (await options.raw.list('raw/')).slice(0, 5);
  return { tablesWithRows, tables: tables.length, collectionsWithDocuments, rawFiles };
}

/** True when the platform holds no data at all. */
export const isPlatformEmpty = (contents: PlatformContents): boolean => contents.tablesWithRows.length === 0 && contents.collectionsWithDocuments.length === 0 && contents.rawFiles.length === 0;
