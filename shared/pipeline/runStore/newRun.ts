import type { RunKind } from '../pipeline.ts';
import type { JsonRecord } from '../jsonRecord.ts';
import type { TriggerKind } from './runRow.ts';

/** A run about to be recorded. */
export type NewRun = {
  readonly runId: string;
  readonly kind: RunKind;
  /** Source name, or `gold` for model runs. */
  readonly source: string;
  /** Dataset name, or the model name. */
  readonly dataset: string;
  readonly load: 'full' | 'delta' | null;
  readonly trigger: TriggerKind;
  readonly triggerDetail: JsonRecord;
  /** The catalog version the run works from; null: whatever is current when each step runs. */
  readonly metadataVersion: number | null;
};
