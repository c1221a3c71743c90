import { createRequire } from 'node:module';

import type { Db, MongoClient } from 'mongodb';

import { getEnv } from '../env.ts';
import { PlatformError, TransientError } from '../errors.ts';

export type CreateMongoClientOptions = {
  /** MongoDB-wire URL including the database name. Default: MONGODB_URL. */
  readonly url?: string;
  /** Milliseconds to wait for a server before failing. Default: 10000. */
  readonly serverSelectionTimeoutMs?: number;
};

type MongoDriver = typeof import('mongodb');

// The mongodb driver (CommonJS) is loaded on first use, not when this module is: about 30 MB of a function's
// memory that only the functions which reach the bronze store pay.
const require = createRequire(import.meta.url);

/** The mongodb driver, loaded on the first call. */
export function mongoDriver(): MongoDriver {
  return require('mongodb') as MongoDriver;
}

/** The driver if any code loaded it already, else undefined — then nothing can have thrown one of its errors. */
function loadedMongoDriver(): MongoDriver | undefined {
  return require.cache[require.resolve('mongodb')]?.exports as MongoDriver | undefined;
}

/** Whether `error` was thrown by the mongodb driver; never loads the driver to find out. */
export function isMongoDriverError(error: unknown): boolean {
  const driver = loadedMongoDriver();
  return driver !== undefined && error instanceof driver.MongoError;
}

/** Translates a mongodb driver error into a PlatformError; the only place that inspects them. */
export function translateMongoError(error: unknown): PlatformError {
  if (error instanceof PlatformError) {
    return error;
  }
  const driver = loadedMongoDriver();
  if (driver === undefined) {
    return new PlatformError('mongo.error', error instanceof Error ? error.message : String(error), { cause: error });
  }
  const { MongoServerSelectionError, MongoNetworkError, MongoServerError } = driver;
  if (error instanceof MongoServerSelectionError || error instanceof MongoNetworkError) {
    return new TransientError('mongo.connection', `The MongoDB-wire server is not reachable: ${error.message}. Check that it is running and MONGODB_URL points at it.`, { cause: error });
  }
  if (error instanceof MongoServerError) {
    if (error.code === 11000) {
      return new PlatformError('mongo.duplicate_key', `A document violates a unique index: ${error.message}`, { cause: error });
    }
    return new PlatformError('mongo.error', `The MongoDB-wire server reported code ${String(error.code)}: ${error.message}`, { cause: error, context: { mongoCode: error.code } });
  }
  return new PlatformError('mongo.error', error instanceof Error ? error.message : String(error), { cause: error });
}

/** Creates and connects a MongoDB client for the bronze store. */
export async function createMongoClient(options: CreateMongoClientOptions = {}): Promise<MongoClient> {
  const { MongoClient } = mongoDriver();
  const client = new MongoClient(options.url ?? getEnv().mongodbUrl, {
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 10_000,
    // FerretDB 1.x has no retryable writes; the bronze loader is idempotent instead.
    retryWrites: false,
  });
  try {
    await client.connect();
  } catch (error) {
    await client.close().catch(() => undefined);
    throw translateMongoError(error);
  }
  return client;
}

/** Runs `routine` with the URL's database and always closes the client afterwards (operator commands: backup, restore, replay). */
export async function withMongo<T>(routine: (db: Db, client: MongoClient) => Promise<T>, options: CreateMongoClientOptions = {}): Promise<T> {
  const client = await createMongoClient(options);
  try {
    return await routine(client.db(), client);
  } finally {
    await client.close();
  }
}
