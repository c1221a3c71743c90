import { getEnv, type Env } from '../env.ts';
import { ConfigError } from '../errors.ts';
import { createChainSecretStore } from './createChainSecretStore.ts';
import { createEnvSecretStore } from './createEnvSecretStore.ts';
import { createFileSecretStore } from './createFileSecretStore.ts';
import { createInfisicalSecretStore } from './createInfisicalSecretStore.ts';
import type { SecretStore } from './secretStore.ts';

/**
 * The platform's secret store as configured: the providers of DP_SECRETS_PROVIDER in order.
 * Infisical's own credentials (`infisical-client-id`, `infisical-client-secret`) come from the
 * secret files, then from DP_SECRET_INFISICAL_CLIENT_ID / DP_SECRET_INFISICAL_CLIENT_SECRET.
 */
export function createSecretStore(env: Env = getEnv()): SecretStore {
  const files = createFileSecretStore({ directory: env.secretsDir });
  const variables = createEnvSecretStore({ lookup: env.envSecret });
  const stores = env.secretsProviders.map((kind): SecretStore => {
    switch (kind) {
      case 'files':
        return files;
      case 'env':
        return variables;
      case 'infisical': {
        const projectId = env.infisical.projectId;
        if (projectId === undefined) {
          throw new ConfigError('config.invalid', 'DP_SECRETS_PROVIDER includes infisical but DP_INFISICAL_PROJECT_ID is not set; set it to the id of the Infisical project that holds the secrets.', { context: { key: 'DP_INFISICAL_PROJECT_ID' } });
        }
        const bootstrap = createChainSecretStore([files, variables]);
        return createInfisicalSecretStore({
          siteUrl: env.infisical.siteUrl,
          projectId,
          environment: env.infisical.environment,
          secretPath: env.infisical.secretPath,
          credentials: async () => ({ clientId: await bootstrap.get('infisical-client-id'), clientSecret: await bootstrap.get('infisical-client-secret') }),
        });
      }
    }
  });
  return createChainSecretStore(stores);
}
