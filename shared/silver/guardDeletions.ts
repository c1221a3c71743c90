import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { ValidationError } from '#platform/errors.ts';
import { DEFAULT_MAX_DELETE_SHARE } from '#metadata/schema.ts';
import type { DiffCount } from './diffSilverBatch.ts';
import type { MergeContext } from './mergeContext.ts';

export type DeletionPolicy = {
  /** A person confirmed this run's deletions (`dp run --accept-deletes`). Default: false. */
  readonly accept?: boolean;
  /** The dataset's `max_delete_share`. Default: 0.5. */
  readonly maxShare?: number;
};

const importedRow = z.object({ file_name: z.string(), archived_as: z.string().nullable() });

/** "… (archived as <run>/<file>)" for the export files a run imported, so the message says what to drop again. */
async function describeImports(tx: CommonQueryMethods, context: MergeContext): Promise<string> {
  const files = await tx.any(sql.type(importedRow)`
    SELECT file_name, archived_as FROM platform.imported_files
    WHERE run_id = ${context.runId} AND source = ${context.plan.source} AND dataset = ${context.plan.dataset} ORDER BY file_name`);
  if (files.length === 0) return '';
  return ` The snapshot came from ${files.map((file) => `${file.file_name} (archived as ${file.archived_as ?? file.file_name} in the dataset's archive folder)`).join(', ')}.`;
}

/**
 * Quarantines a full snapshot that would erase history by mistake: one with no usable record that would
 * delete any current row, or one whose absent keys would delete more than `max_delete_share` of the current
 * rows. It throws before anything is written, so the merge transaction rolls back and nothing changes;
 * the run fails with a message naming the numbers, the export and both ways on (a complete export, or the
 * confirmation `dp run <source>.<dataset> --accept-deletes`). Deletions flagged by a delta load are never held.
 */
export async function guardDeletions(tx: CommonQueryMethods, context: MergeContext, diff: readonly DiffCount[], usable: number, policy: DeletionPolicy): Promise<void> {
  const maxShare = policy.maxShare ?? DEFAULT_MAX_DELETE_SHARE;
  if (context.plan.load !== 'full' || policy.accept === true || maxShare >= 1) return;
  const absent = diff.filter((row) => row.action === 'delete' && !row.from_batch).reduce((total, row) => total + Number(row.keys), 0);
  if (absent === 0) return;
  const live = Number(await tx.oneFirst(sql.type(z.object({ n: z.bigint() }))`
    SELECT count(*) AS n FROM ${context.target} WHERE _is_current AND NOT _is_deleted`));
  const share = live === 0 ? 1 : absent / live;
  if (usable > 0 && share <= maxShare) return;
  const where = `${context.plan.source}.${context.plan.dataset}`;
  const percent = (value: number): string => `${Math.round(value * 1000) / 10} %`;
  const fix = ` Nothing was changed. If the export is incomplete or broken, drop a complete one in the inbox. If the deletion is real, drop the same export again and run \`dp run ${where} --accept-deletes\`, or raise \`max_delete_share\` for the dataset in its metadata.`;
  const context_ = { runId: context.runId, source: context.plan.source, dataset: context.plan.dataset, absent, live, max_delete_share: maxShare };
  const files = await describeImports(tx, context);
  if (usable === 0) {
    throw new ValidationError('silver.empty_snapshot', `Run ${context.runId} of ${where} has no usable record, and as a full snapshot it would delete all ${absent} current rows of silver.${context.table}.${files}${fix}`, { context: context_ });
  }
  throw new ValidationError('silver.mass_delete', `Run ${context.runId} of ${where} would delete ${absent} of ${live} current rows of silver.${context.table} (${percent(share)}, more than max_delete_share ${percent(maxShare)}) because their keys are missing from this full snapshot.${files}${fix}`, { context: context_ });
}
