/** Name of a dataset's table in the `silver` schema (and of its bronze collection): `<source>__<dataset>`. */
export function silverTableName(source: string, dataset: string): string {
  return `${source}__${dataset}`;
}
