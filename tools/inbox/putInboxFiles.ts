import path from 'node:path';

import { NotFoundError, ValidationError } from '#platform/errors.ts';
import type { ObjectStore } from '#platform/raw/objectStore.ts';
import type { Source } from '#metadata/schema.ts';
import { FilesConnector } from '#connectors/files/filesConnector.ts';
import { fileMatcher } from '#connectors/files/filesSettings.ts';
import { filesLocations } from '#connectors/files/filesStores.ts';

export type InboxFile = { readonly name: string; readonly bytes: Buffer };

/**
 * The inbox (a key prefix) a file goes to: the named dataset's own; without a name, the inbox of the one dataset
 * that takes the file — the source's shared inbox when that dataset reads one (it has a `pattern`).
 */
function inboxFor(source: Source, datasetName: string | undefined, name: string): string {
  const connector = new FilesConnector();
  const candidates = source.datasets.filter((dataset) => datasetName === undefined || dataset.name === datasetName);
  if (candidates.length === 0) {
    throw new NotFoundError('inbox.unknown_dataset', `Source \`${source.source}\` has no dataset \`${datasetName}\`; its datasets: ${source.datasets.map((dataset) => dataset.name).join(', ')}.`);
  }
  const settled = candidates.map((dataset) => ({ dataset, ...connector.parseSettings({ source, dataset }) }));
  const taking = settled.filter(({ extract }) => fileMatcher(extract.pattern)(name));
  if (taking.length === 1) {
    const { dataset, config, extract } = taking[0]!;
    const locations = filesLocations({ source, dataset }, config, extract);
    return datasetName === undefined ? (locations.sharedInbox ?? locations.inbox) : locations.inbox;
  }
  const patterns = settled.map(({ dataset, extract }) => `${dataset.name}: ${extract.pattern ?? 'any .csv, .tsv, .json, .jsonl or .ndjson file'}`).join('; ');
  if (taking.length === 0) {
    throw new ValidationError('inbox.no_dataset_takes_file', `${name} would never be imported: no dataset of \`${source.source}\`${datasetName === undefined ? '' : ` named \`${datasetName}\``} takes that name (${patterns}). Rename the file to match.`);
  }
  throw new ValidationError('inbox.ambiguous_file', `${name} matches several datasets of \`${source.source}\` (${taking.map(({ dataset }) => dataset.name).join(', ')}); name one: dp inbox put ${source.source}.<dataset> ${name}.`);
}

/**
 * Puts export files into a `files` source's inbox — `<source>/<dataset>/` for a named dataset, else where the
 * dataset whose pattern takes the file reads — checking first that every file would be picked up, so nothing waits there forever.
 * Each object is written whole (a folder store renames into place), so a run never reads half a file.
 * Returns the keys written.
 */
export async function putInboxFiles(store: ObjectStore, source: Source, datasetName: string | undefined, files: readonly InboxFile[]): Promise<string[]> {
  if (source.connector !== 'files') {
    throw new ValidationError('inbox.not_files_source', `Source \`${source.source}\` uses the ${source.connector} connector, which has no inbox; only \`files\` sources import dropped files.`);
  }
  const placed = files.map((file) => ({ file, key: `${inboxFor(source, datasetName, path.basename(file.name))}${path.basename(file.name)}` }));
  for (const { file, key } of placed) {
    await store.put(key, file.bytes);
  }
  return placed.map(({ key }) => key);
}
