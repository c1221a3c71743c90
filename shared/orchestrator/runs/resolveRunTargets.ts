import { NotFoundError } from '#platform/errors.ts';
import { closestName } from '#metadata/closestName.ts';
import type { MetadataSet } from '#metadata/schema.ts';
import type { StartRunsRequest } from '../api/orchestratorApi.ts';
import type { RunTarget } from './runTarget.ts';

/**
 * The datasets a start request names, from the catalog's metadata: one dataset, every dataset of a source,
 * or every dataset of the sources of a connector kind. A scheduled connector call (the connector function's
 * cron) leaves out datasets with a `trigger.schedule` of their own: the tick starts those at their time.
 * `full` runs a delta dataset as a full load. An unknown source or dataset is a NotFoundError with the
 * closest name; a connector kind without sources names nothing (its cron may fire before any source exists).
 */
export function resolveRunTargets(metadata: Pick<MetadataSet, 'sources'>, request: StartRunsRequest): RunTarget[] {
  const load = (declared: 'full' | 'delta'): 'full' | 'delta' => (request.full ? 'full' : declared);
  if ('connector' in request) {
    return metadata.sources
      .filter((source) => source.connector === request.connector)
      .flatMap((source) => source.datasets
        .filter((dataset) => request.trigger !== 'schedule' || dataset.trigger?.schedule === undefined)
        .map((dataset): RunTarget => ({ kind: 'dataset', source, dataset, load: load(dataset.load) })));
  }
  const source = metadata.sources.find((candidate) => candidate.source === request.source);
  if (source === undefined) {
    const guess = closestName(request.source, metadata.sources.map((candidate) => candidate.source));
    throw new NotFoundError('metadata.source_not_found', `Source \`${request.source}\` is not in the metadata catalog${guess === undefined ? '' : `; did you mean \`${guess}\`?`} If you just added it, run \`dp metadata sync\`.`, { context: { source: request.source } });
  }
  const datasets = request.dataset === undefined ? source.datasets : source.datasets.filter((dataset) => dataset.name === request.dataset);
  if (datasets.length === 0) {
    const guess = closestName(request.dataset ?? '', source.datasets.map((dataset) => dataset.name));
    throw new NotFoundError('metadata.dataset_not_found', `Dataset \`${request.source}.${request.dataset}\` is not in the metadata catalog${guess === undefined ? '' : `; did you mean \`${request.source}.${guess}\`?`} If you just added it, run \`dp metadata sync\`.`, { context: { source: request.source, dataset: request.dataset } });
  }
  return datasets.map((dataset) => ({ kind: 'dataset', source, dataset, load: load(dataset.load) }));
}
