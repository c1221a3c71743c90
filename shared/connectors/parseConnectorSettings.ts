import type { z } from 'zod';

import { ConfigError } from '#platform/errors.ts';
import type { DatasetRef } from '#metadata/schema.ts';

const formatPath = (root: string, path: readonly PropertyKey[]): string =>
  root + path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');

/**
 * Parses a source's `config` and a dataset's `extract` with a connector's schemas. Every problem
 * is reported at once, each naming the source or dataset and the key: a ConfigError
 * `connector.bad_settings`.
 */
export function parseConnectorSettings<C, E>(kind: string, ref: DatasetRef, configSchema: z.ZodType<C>, extractSchema: z.ZodType<E>): { config: C; extract: E } {
  const config = configSchema.safeParse(ref.source.config);
  const extract = extractSchema.safeParse(ref.dataset.extract);
  const problems: string[] = [];
  const file = `metadata/${ref.source.source}.yml`;
  if (!config.success) {
    for (const issue of config.error.issues) {
      problems.push(`source \`${ref.source.source}\` ${formatPath('config', issue.path)}: ${issue.message}`);
    }
  }
  if (!extract.success) {
    for (const issue of extract.error.issues) {
      problems.push(`dataset \`${ref.source.source}.${ref.dataset.name}\` ${formatPath('extract', issue.path)}: ${issue.message}`);
    }
  }
  if (!config.success || !extract.success) {
    throw new ConfigError('connector.bad_settings', `The ${kind} connector settings in ${file} are not valid:\n- ${problems.join('\n- ')}\nSee docs/connectors.md for the settings of the ${kind} connector.`, {
      context: { source: ref.source.source, dataset: ref.dataset.name, problems },
    });
  }
  return { config: config.data, extract: extract.data };
}
