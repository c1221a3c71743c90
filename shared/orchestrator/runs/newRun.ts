import { randomBytes } from 'node:crypto';

import type { RunTrigger } from './runTarget.ts';

/** A run about to be recorded. */
export type NewRun = {
  readonly runId: string;
  readonly kind: 'dataset' | 'gold';
  readonly source: string;
  readonly dataset: string;
  readonly load: 'full' | 'delta' | null;
  readonly trigger: RunTrigger;
  readonly triggerDetail: Readonly<Record<string, unknown>>;
  readonly metadataVersion: number;
};

/** A new run id: UTC time of creation plus randomness, `20260504T061500Z-3fa9c1d2` (sorts by time, safe in paths). */
export function newRunId(now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}
