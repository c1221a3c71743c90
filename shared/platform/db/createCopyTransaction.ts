import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

import { sql } from './sql.ts';
import { translateDatabaseError } from './translateDatabaseError.ts';

/** A statement built with the `sql` tag (its text and values). */
type Statement = { readonly sql: string; readonly values: readonly unknown[] };

/** What runs inside one COPY transaction, on its connection. */
export type CopyTransaction = {
  /** Streams COPY-encoded text (tab-separated fields, one row per line) into a table; resolves to the rows copied. */
  readonly copy: (table: readonly [schema: string, table: string], columns: readonly string[], chunks: AsyncIterable<string> | Iterable<string>) => Promise<number>;
  /** Runs one statement; resolves to the rows it affected. */
  readonly query: (statement: Statement) => Promise<number>;
};

/** Runs `work` in one transaction on a connection of its own: everything it copies and writes commits together, or nothing does. */
export type WithCopyTransaction = <T>(work: (tx: CopyTransaction) => Promise<T>) => Promise<T>;

/**
 * Creates the COPY transaction runner for the database at `url` (slonik has no COPY): one connection per
 * transaction, backpressure kept (the producer is asked for the next chunk only when the connection took
 * the previous one), rolled back when `work` throws.
 */
export function createCopyTransaction(url: string): WithCopyTransaction {
  return async (work) => {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('BEGIN');
      const tx: CopyTransaction = {
        copy: async (table, columns, chunks) => {
          const statement = sql.fragment`COPY ${sql.identifier([...table])} (${sql.join(
            columns.map((column) => sql.identifier([column])),
            sql.fragment`, `,
          )}) FROM STDIN`;
          const stream = client.query(copyFrom(statement.sql));
          await pipeline(Readable.from(chunks, { objectMode: false }), stream);
          return stream.rowCount;
        },
        // The `sql` tag numbers its placeholders `$slonik_N`; the plain driver takes `$N`.
        query: async (statement) => (await client.query(statement.sql.replace(/\$slonik_(\d+)/g, '$$$1'), [...statement.values])).rowCount ?? 0,
      };
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw translateDatabaseError(error);
    } finally {
      await client.end().catch(() => undefined);
    }
  };
}
