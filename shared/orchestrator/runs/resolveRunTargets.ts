import { NotFoundError } from '#platform/errors.ts';
import { closestName } from '#metadata/closestName.ts';
import type { MetadataSet } from '#metadata/schema.ts';
import type { StartRunsRequest } from '../api/orchestratorApi.ts';
import type { RunTarget } from './runTarget.ts';

/**
 * The datasets a start request names, from the catalog's metadata: one dataset, every dataset of a source,
 * or every dataset of the sources of a connector kind. A scheduled connector call (the connector function's
 * cron) leaves out datasets with a `trigger.schedule` of their own: the tick starts those at their time.
 * `full` runs a delta dataset as a full load. Source `gold` names gold models: `gold.<model>` rebuilds one,
 * `gold` alone every model, as their events would. An unknown source, dataset or model is a NotFoundError
 * with the closest name (or what there is); a connector kind without sources names nothing (its cron may
 * fire before any source exists).
 */
export function resolveRunTargets(metadata: Pick<MetadataSet, 'sources' | 'models'>, request: StartRunsRequest): RunTarget[] {
  const load = (declared: 'full' | 'delta'): 'full' | 'delta' => (request.full ? 'full' : declared);
  if ('connector' in request) {
    return metadata.sources
      .filter((source) => source.connector === request.connector)
      .flatMap((source) => source.datasets
        .filter((dataset) => request.trigger !== 'schedule' || dataset.trigger?.schedule === undefined)
        .map((dataset): RunTarget => ({ kind: 'dataset', source, dataset, load: load(dataset.load) })));
  }
  if (request.source === 'gold') return resolveGoldTargets(metadata, request.dataset);
  const source = metadata.sources.find((candidate) => candidate.source === request.source);
  if (source === undefined) {
    const guess = closestName(request.source, metadata.sources.map((candidate) => candidate.source));
    throw new NotFoundError('metadata.source_not_found', `Source \`${request.source}\` is not in the metadata catalog${guess === undefined ? '' : `; did you mean \`${guess}\`?`} If you just added it, run \`dp metadata sync\`.`, { context: { source: request.source } });
  }
  const datasets = request.dataset === undefined ? source.datasets : source.datasets.filter((dataset) => dataset.name === request.dataset);
  if (datasets.length === 0) {
    const wanted = request.dataset ?? '';
    const guess = closestName(wanted, source.datasets.map((dataset) => dataset.name));
    // The same name in another source is the likelier mistake when nothing in this one is close.
    const elsewhere = metadata.sources.find((candidate) => candidate.datasets.some((dataset) => dataset.name === wanted));
    const hint = guess !== undefined
      ? `did you mean \`${request.source}.${guess}\`?`
      : elsewhere !== undefined
        ? `did you mean \`${elsewhere.source}.${wanted}\`? Source \`${request.source}\` has: ${source.datasets.map((dataset) => dataset.name).sort().join(', ')}.`
        : `source \`${request.source}\` has: ${source.datasets.map((dataset) => dataset.name).sort().join(', ')}.`;
    throw new NotFoundError('metadata.dataset_not_found', `Dataset \`${request.source}.${wanted}\` is not in the metadata catalog; ${hint} If you just added it, run \`dp metadata sync\`.`, { context: { source: request.source, dataset: request.dataset } });
  }
  return datasets.map((dataset) => ({ kind: 'dataset', source, dataset, load: load(dataset.load) }));
}

/** The gold models a by-hand start names (`source: gold`): one model, or every model. */
function resolveGoldTargets(metadata: Pick<MetadataSet, 'models'>, model: string | undefined): RunTarget[] {
  const names = metadata.models.map((candidate) => candidate.name);
  if (model === undefined) return names.map((name) => ({ kind: 'gold', model: name }));
  if (names.includes(model)) return [{ kind: 'gold', model }];
  const guess = closestName(model, names);
  const hint = guess !== undefined ? `did you mean \`gold.${guess}\`?` : names.length === 0 ? 'there are no gold models.' : `the models are: ${[...names].sort().join(', ')}.`;
  throw new NotFoundError('metadata.model_not_found', `Gold model \`gold.${model}\` is not in the metadata catalog; ${hint} If you just added it, run \`dp metadata sync\`.`, { context: { model } });
}
