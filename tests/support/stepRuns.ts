/**
 * Helpers for step tests: metadata written into the catalog from YAML text, runs inserted as the
 * orchestrator would create them, and a step invoked through its real handler.
 */
import superjson from 'superjson';

import type { DatabasePool } from '#platform/db/sql.ts';
import { finishRun } from '#pipeline/runStore/finishRun.ts';
import { insertActiveRun } from '#pipeline/runStore/insertActiveRun.ts';
import { newRunId } from '#pipeline/runStore/newRunId.ts';
import { syncMetadata } from '#metadata/catalog/syncMetadata.ts';
import { connectorSettings } from '#metadata/connectorSettings.ts';
import { validateMetadata, type MetadataFileText } from '#metadata/validateMetadata.ts';
import type { FunctionHandler } from '#template/functionContract.ts';
import { jsonRecordSchema } from '#pipeline/jsonRecord.ts';
import type { StepResult } from '#pipeline/steps.ts';
import { encodeSuperjson } from '#platform/function/superjsonBody.ts';
import { callHandler } from './callHandler.ts';

/** Validates metadata files (YAML text by path) and syncs them; returns the version id. */
export async function syncTestMetadata(pool: DatabasePool, files: readonly MetadataFileText[]): Promise<number> {
  const validation = validateMetadata([...files], { connectors: connectorSettings });
  if (validation.metadata === undefined) {
    throw new Error(`test metadata does not validate: ${JSON.stringify(validation.issues, null, 2)}`);
  }
  return (await syncMetadata(pool, validation.metadata)).versionId;
}

export type TestRun = {
  readonly kind?: 'dataset' | 'gold';
  readonly source: string;
  readonly dataset: string;
  readonly load?: 'full' | 'delta';
  readonly triggerDetail?: Readonly<Record<string, unknown>>;
  readonly metadataVersion?: number;
};

/** Records a running run as the orchestrator does (insertActiveRun, without its first step); returns its id. */
export async function createTestRun(pool: DatabasePool, run: TestRun): Promise<string> {
  const runId = newRunId();
  const kind = run.kind ?? 'dataset';
  const inserted = await insertActiveRun(pool, { runId, kind, source: run.source, dataset: run.dataset, load: run.load ?? null, trigger: 'manual', triggerDetail: jsonRecordSchema.parse(run.triggerDetail ?? {}), metadataVersion: run.metadataVersion ?? null }, new Date());
  if (!inserted) throw new Error(`${run.source}.${run.dataset} already has an active run; finish it first (finishTestRun)`);
  return runId;
}

/** Marks a run succeeded (its cursor stays staged), so the one-active-run rule lets the next run of the dataset start. */
export async function finishTestRun(pool: DatabasePool, runId: string): Promise<void> {
  await finishRun(pool, runId, { status: 'succeeded' }, new Date());
}

export type StepAnswer = { readonly status: number; readonly result: StepResult | undefined; readonly error: { code: string; message: string } | undefined };

/** Calls a step handler with a request and decodes its answer. */
export async function callStep(handler: FunctionHandler, request: Record<string, unknown>): Promise<StepAnswer> {
  const answer = await callHandler(handler, { body: encodeSuperjson(request) });
  if (answer.status >= 200 && answer.status < 300) {
    return { status: answer.status, result: superjson.deserialize(answer.value as never) as StepResult, error: undefined };
  }
  return { status: answer.status, result: undefined, error: (answer.value as { error: { code: string; message: string } }).error };
}
