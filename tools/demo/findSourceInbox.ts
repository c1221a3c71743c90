import { FilesConnector, filesFolders } from '#connectors/files/filesConnector.ts';
import type { CommonQueryMethods } from '#platform/db/sql.ts';
import type { Env } from '#platform/env.ts';
import { NotFoundError } from '#platform/errors.ts';
import { loadCatalog } from '#metadata/catalog/loadCatalog.ts';

/** The folder where a `files` source picks up exports for all its datasets (its shared inbox), from the synced metadata. */
export async function findSourceInbox(db: CommonQueryMethods, env: Env, sourceName: string): Promise<string> {
  const catalog = await loadCatalog(db);
  const source = catalog.metadata.sources.find((candidate) => candidate.source === sourceName);
  const dataset = source?.datasets[0];
  if (source === undefined || dataset === undefined || source.connector !== 'files') {
    throw new NotFoundError('demo.source_missing', `The demo needs the \`${sourceName}\` files source (metadata/${sourceName}.yml) in the catalog; restore that file and run \`dp up --demo\` again.`, { context: { source: sourceName } });
  }
  const ref = { source, dataset };
  const { config, extract } = new FilesConnector().parseSettings(ref);
  // filesFolders reads only the environment of the connector context.
  const folders = filesFolders({ ref, config, extract, context: { env } as Parameters<typeof filesFolders>[0]['context'] });
  return folders.sharedInbox ?? folders.inbox;
}
