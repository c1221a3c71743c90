import type { Db, MongoClient } from 'mongodb';

import { createCopyIn, type CopyIn } from '../db/createCopyIn.ts';
import { createCopyTransaction, type WithCopyTransaction } from '../db/createCopyTransaction.ts';
import { createPool } from '../db/createPool.ts';
import type { DatabasePool } from '../db/sql.ts';
import { getEnv, type Env } from '../env.ts';
import { createMongoClient } from '../mongo/createMongoClient.ts';
import type { RawStore } from '../raw/rawStore.ts';
import { createSecretStore } from '../secrets/createSecretStore.ts';
import type { SecretStore } from '../secrets/secretStore.ts';
import { openRawStore } from './openRawStore.ts';

/** The connections a function process keeps between invocations, opened on first use. */
export type FunctionResources = {
  readonly pool: () => Promise<DatabasePool>;
  /** COPY writer on the same database (silver stages its batch with it). */
  readonly copyIn: () => CopyIn;
  /** COPY transactions on the same database (bronze and silver stage a run's records with them). */
  readonly copyTransaction: () => WithCopyTransaction;
  /** The bronze database (the one named in MONGODB_URL). */
  readonly mongo: () => Promise<Db>;
  readonly rawStore: () => RawStore;
  /** Where connectors read credentials (DP_SECRETS_PROVIDER). */
  readonly secrets: () => SecretStore;
  /** The configuration the steps run with (inbox and archive folders, budgets). */
  readonly env: Env;
  /** Ends whatever was opened. */
  readonly close: () => Promise<void>;
};

export type CreateFunctionResourcesOptions = {
  /** Postgres URL. Default DATABASE_URL. */
  readonly databaseUrl?: string;
  /** MongoDB-wire URL. Default MONGODB_URL. */
  readonly mongodbUrl?: string;
  /** Raw store URL. Default DP_RAW_STORE_URL. */
  readonly rawStoreUrl?: string;
  /** Secret store. Default: the providers of DP_SECRETS_PROVIDER. */
  readonly secrets?: SecretStore;
  /** Configuration. Default: getEnv(). */
  readonly env?: Env;
};

/**
 * Creates the lazily opened, process-wide resources of a function. A function container serves
 * many invocations, so the pool and client live as long as the process; a failed open is retried
 * on the next use instead of being cached.
 */
export function createFunctionResources(options: CreateFunctionResourcesOptions = {}): FunctionResources {
  let pool: Promise<DatabasePool> | undefined;
  let client: Promise<MongoClient> | undefined;
  let raw: RawStore | undefined;
  let copyIn: CopyIn | undefined;
  let copyTransaction: WithCopyTransaction | undefined;
  let secrets: SecretStore | undefined = options.secrets;
  const env = options.env ?? getEnv();
  const remember = <T>(promise: Promise<T>, forget: () => void): Promise<T> => {
    promise.catch(forget);
    return promise;
  };
  return {
    pool: () => (pool ??= remember(createPool({ url: options.databaseUrl ?? env.databaseUrl, maximumPoolSize: 4 }), () => (pool = undefined))),
    copyIn: () => (copyIn ??= createCopyIn(options.databaseUrl ?? env.databaseUrl)),
    copyTransaction: () => (copyTransaction ??= createCopyTransaction(options.databaseUrl ?? env.databaseUrl)),
    mongo: async () => {
      client ??= remember(createMongoClient({ url: options.mongodbUrl ?? env.mongodbUrl }), () => (client = undefined));
      return (await client).db();
    },
    rawStore: () => (raw ??= openRawStore(options.rawStoreUrl === undefined ? env : { ...env, rawStoreUrl: options.rawStoreUrl })),
    secrets: () => (secrets ??= createSecretStore(env)),
    env,
    close: async () => {
      const [openedPool, openedClient] = [pool, client];
      pool = undefined;
      client = undefined;
      await Promise.allSettled([openedPool?.then((p) => p.end()), openedClient?.then((c) => c.close())]);
    },
  };
}
