import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

import { sql } from './sql.ts';
import { translateDatabaseError } from './translateDatabaseError.ts';

/**
 * Streams rows into a table with `COPY … FROM STDIN` (text format). `chunks` yields text that is
 * already COPY-encoded: tab-separated fields, one row per line. Resolves to the rows copied.
 */
export type CopyIn = (table: readonly [schema: string, table: string], columns: readonly string[], chunks: AsyncIterable<string> | Iterable<string>) => Promise<number>;

/**
 * Creates a COPY writer on its own connection per call (slonik has no COPY). Backpressure is kept:
 * the producer is only asked for the next chunk when the connection has taken the previous one.
 */
export function createCopyIn(url: string): CopyIn {
  return async (table, columns, chunks) => {
    const statement = sql.fragment`COPY ${sql.identifier([...table])} (${sql.join(
      columns.map((column) => sql.identifier([column])),
      sql.fragment`, `,
    )}) FROM STDIN`;
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      const stream = client.query(copyFrom(statement.sql));
      await pipeline(Readable.from(chunks, { objectMode: false }), stream);
      return stream.rowCount;
    } catch (error) {
      throw translateDatabaseError(error);
    } finally {
      await client.end().catch(() => undefined);
    }
  };
}
