import type { Dataset, Source } from '#metadata/schema.ts';

/** How a run was started, as recorded in `platform.runs.trigger_kind`. */
export type RunTrigger = 'manual' | 'schedule' | 'event' | 'webhook';

/** What a run is for: one dataset through the layers, or one gold model. */
export type RunTarget =
  | { readonly kind: 'dataset'; readonly source: Source; readonly dataset: Dataset; readonly load: 'full' | 'delta' }
  | { readonly kind: 'gold'; readonly model: string };
