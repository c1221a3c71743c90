import type { CommonQueryMethods } from '#platform/db/sql.ts';
import type { RunKind } from '#pipeline/pipeline.ts';
import { listRunStatus } from '#pipeline/runStore/listRunStatus.ts';
import type { RunRow } from '#pipeline/runStore/runRow.ts';

/** Where a dataset or model stands: its state (`running` while a run is active, else its last run's status, or `never_run`), its last run and last success. */
export type TargetState = { readonly status: string; readonly lastRun: RunRow | null; readonly lastSuccessAt: Date | null; readonly activeRunId: string | null };

/** Reads where every dataset and model stands (the run store's status per target), for lookups by kind, source and dataset. */
export async function readTargetStates(db: CommonQueryMethods): Promise<(kind: RunKind, source: string, dataset: string) => TargetState> {
  const states = new Map((await listRunStatus(db)).map((entry) => [`${entry.lastRun.kind}/${entry.lastRun.source}/${entry.lastRun.dataset}`, entry]));
  return (kind, source, dataset) => {
    const found = states.get(`${kind}/${source}/${dataset}`);
    if (found === undefined) return { status: 'never_run', lastRun: null, lastSuccessAt: null, activeRunId: null };
    return { status: found.activeRunId !== null ? 'running' : found.lastRun.status, lastRun: found.lastRun, lastSuccessAt: found.lastSuccessAt, activeRunId: found.activeRunId };
  };
}
