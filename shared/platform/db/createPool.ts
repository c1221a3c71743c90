import {
  createPool as createSlonikPool,
  createBigintTypeParser,
  SchemaValidationError,
  type DatabasePool,
  type Interceptor,
  type QueryResultRow,
} from 'slonik';

import { getEnv } from '../env.ts';
import { translateDatabaseError } from './translateDatabaseError.ts';

/**
 * Validates every row of a query written with `sql.type(schema)` against its schema,
 * and returns the parsed value (so zod transforms and defaults apply).
 */
function createResultParserInterceptor(): Interceptor {
  return {
    name: 'dataplatform.result-parser',
    transformRowAsync: async (context, query, row) => {
      const parser = context.resultParser;
      if (parser === undefined) {
        return row;
      }
      let result = parser['~standard'].validate(row);
      if (result instanceof Promise) {
        result = await result;
      }
      if (result.issues) {
        throw translateDatabaseError(new SchemaValidationError(query, row, result.issues));
      }
      return result.value as QueryResultRow;
    },
  };
}

/** Rethrows every query error as a DatabaseError with a stable code. */
function createErrorTranslationInterceptor(): Interceptor {
  return {
    name: 'dataplatform.error-translation',
    queryExecutionError: (_context, _query, error) => {
      throw translateDatabaseError(error);
    },
  };
}

export type CreatePoolOptions = {
  /** Postgres URL. Default: DATABASE_URL. */
  readonly url?: string;
  /** Connections kept at most. Default: 10. */
  readonly maximumPoolSize?: number;
  /** Statement timeout in milliseconds. Default: 60000 (the faasd function timeout). */
  readonly statementTimeoutMs?: number;
};

/**
 * Creates the platform's slonik pool: rows of `sql.type(schema)` queries are validated,
 * pg errors become DatabaseErrors, int8 comes back as bigint, numeric as an exact string,
 * date as `YYYY-MM-DD` and timestamps as Date.
 */
export async function createPool(options: CreatePoolOptions = {}): Promise<DatabasePool> {
  const parseTimestamp = (value: string | null): Date | null => (value === null ? null : new Date(value));
  return createSlonikPool(options.url ?? getEnv().databaseUrl, {
    maximumPoolSize: options.maximumPoolSize ?? 10,
    statementTimeout: options.statementTimeoutMs ?? 60_000,
    connectionTimeout: 10_000,
    idleTimeout: 5_000,
    captureStackTrace: false,
    interceptors: [createResultParserInterceptor(), createErrorTranslationInterceptor()],
    typeParsers: [
      createBigintTypeParser(),
      { name: 'numeric', parse: (value: string) => value },
      { name: 'date', parse: (value: string) => value },
      { name: 'timestamptz', parse: parseTimestamp },
      { name: 'timestamp', parse: parseTimestamp },
    ],
  });
}

/** Runs `routine` with a pool that is always ended afterwards. */
export async function withPool<T>(routine: (pool: DatabasePool) => Promise<T>, options: CreatePoolOptions = {}): Promise<T> {
  const pool = await createPool(options);
  try {
    return await routine(pool);
  } finally {
    await pool.end();
  }
}
