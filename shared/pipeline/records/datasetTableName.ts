import { ConfigError } from '#platform/errors.ts';
import { silverTableName } from '#metadata/silverTableName.ts';

/** Postgres truncates longer identifiers silently; the layers refuse them instead. */
const MAX_IDENTIFIER = 63;

/**
 * The name a dataset has in bronze (collection) and silver (table), `<source>__<dataset>`, checked:
 * a ConfigError when it is longer than Postgres allows (metadata validation reports it earlier).
 */
export function datasetTableName(source: string, dataset: string): string {
  const name = silverTableName(source, dataset);
  if (name.length > MAX_IDENTIFIER) {
    throw new ConfigError('layers.name_too_long', `Dataset \`${source}.${dataset}\`: its table name \`${name}\` has ${name.length} characters, Postgres allows ${MAX_IDENTIFIER}; shorten the source or dataset name.`, { context: { source, dataset } });
  }
  return name;
}
