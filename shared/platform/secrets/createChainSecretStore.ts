import { ConfigError } from '../errors.ts';
import { defineSecretStore, type SecretStore } from './secretStore.ts';

/**
 * Asks several stores in order (`files,env`): the first that holds a secret answers.
 * A write goes to the store that holds the secret, or to the first writable store when none does.
 */
export function createChainSecretStore(stores: readonly SecretStore[]): SecretStore {
  if (stores.length === 0) {
    throw new ConfigError('secret.no_provider', 'No secret provider is configured; set DP_SECRETS_PROVIDER to files, infisical and/or env.');
  }
  if (stores.length === 1 && stores[0] !== undefined) {
    return stores[0];
  }
  const holder = async (name: string): Promise<SecretStore | undefined> => {
    for (const store of stores) {
      if ((await store.find(name)) !== undefined) return store;
    }
    return undefined;
  };
  return defineSecretStore({
    provider: stores.map((store) => store.provider).join(','),
    describe: (name) => stores.map((store) => store.describe(name)).join(', then '),
    read: async (name) => {
      for (const store of stores) {
        const value = await store.find(name);
        if (value !== undefined) return value;
      }
      return undefined;
    },
    write: async (name, value) => {
      const target = (await holder(name)) ?? stores.find((store) => store.writable) ?? stores[0];
      // A read-only holder raises its own `secret.read_only` error naming where the secret lives.
      await target?.set(name, value);
    },
  });
}
