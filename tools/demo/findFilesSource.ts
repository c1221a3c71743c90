import type { CommonQueryMethods } from '#platform/db/sql.ts';
import { NotFoundError } from '#platform/errors.ts';
import { loadCatalog } from '#metadata/catalog/loadCatalog.ts';
import type { Source } from '#metadata/schema.ts';

/** The `files` source the demo loads, from the synced catalog. */
export async function findFilesSource(db: CommonQueryMethods, sourceName: string): Promise<Source> {
  const catalog = await loadCatalog(db);
  const source = catalog.metadata.sources.find((candidate) => candidate.source === sourceName);
  if (source === undefined || source.connector !== 'files') {
    throw new NotFoundError('demo.source_missing', `The demo needs the \`${sourceName}\` files source (metadata/${sourceName}.yml) in the catalog; restore that file and run \`dp up --demo\` again.`, { context: { source: sourceName } });
  }
  return source;
}
