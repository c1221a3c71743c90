import { ConfigError } from '#platform/errors.ts';

/** Postgres truncates longer identifiers silently; the platform refuses them instead. */
const MAX_IDENTIFIER = 63;

/**
 * The name a dataset has in bronze (collection) and silver (table), `<source>__<dataset>`, checked:
 * a ConfigError `layers.name_too_long` (with the name in `context.table`) when it is longer than Postgres
 * allows — metadata validation reports it before anything runs.
 */
export function datasetTableName(source: string, dataset: string): string {
  const name = `${source}__${dataset}`;
  if (name.length > MAX_IDENTIFIER) {
    throw new ConfigError('layers.name_too_long', `Dataset \`${source}.${dataset}\`: its table name \`${name}\` has ${name.length} characters, Postgres allows ${MAX_IDENTIFIER}; shorten the source or dataset name.`, {
      context: { source, dataset, table: name, length: name.length, max: MAX_IDENTIFIER },
    });
  }
  return name;
}
