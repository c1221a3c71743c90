import { ConfigError } from '#platform/errors.ts';
import type { Source } from '#metadata/schema.ts';

/** The secret name a source maps to `role` (`secrets: { token: ynab-token }`); a ConfigError naming the source, role and fix when absent. */
export function secretForRole(source: Source, role: string, why: string): string {
  const name = source.secrets[role];
  if (name === undefined) {
    throw new ConfigError('connector.missing_secret_role', `Source \`${source.source}\` needs a secret for role \`${role}\` (${why}); add \`secrets: { ${role}: <secret name> }\` to metadata/${source.source}.yml and create that secret (docs/secrets.md).`, {
      context: { source: source.source, role },
    });
  }
  return name;
}
