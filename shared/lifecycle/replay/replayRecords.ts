/** The rows of `platform.replays` (migration 0007): one per replay of a dataset. */
import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { toErrorRecord } from '#pipeline/runStore/toErrorRecord.ts';

/** Records a replay that starts. */
export async function insertReplay(connection: CommonQueryMethods, input: { readonly replayId: string; readonly source: string; readonly dataset: string; readonly fromRun: string | null; readonly runs: number; readonly metadataVersion: number }): Promise<void> {
  await connection.query(sql.unsafe`
    INSERT INTO platform.replays (replay_id, source, dataset, from_run, runs, metadata_version)
    VALUES (${input.replayId}, ${input.source}, ${input.dataset}, ${input.fromRun}, ${input.runs}, ${input.metadataVersion})`);
}

/** Records how a replay ended and what its swap set aside. */
export async function finishReplay(connection: CommonQueryMethods, input: { readonly replayId: string; readonly status: 'succeeded' | 'failed'; readonly oldTable?: string | null; readonly oldCollection?: string | null; readonly detail?: Readonly<Record<string, unknown>>; readonly error?: unknown }): Promise<void> {
  await connection.query(sql.unsafe`
    UPDATE platform.replays
    SET status = ${input.status}, finished_at = now(), old_table = ${input.oldTable ?? null}, old_collection = ${input.oldCollection ?? null},
        detail = ${sql.jsonb(input.detail ?? {})}, error = ${input.error === undefined ? null : sql.jsonb(toErrorRecord(input.error))}
    WHERE replay_id = ${input.replayId}`);
}

const keptSchema = z.object({ replay_id: z.string(), old_table: z.string().nullable(), old_collection: z.string().nullable() });
export type KeptReplay = z.output<typeof keptSchema>;

/** The replays of a dataset whose replaced table or collection is still kept. */
export async function listKeptReplays(connection: CommonQueryMethods, source: string, dataset: string): Promise<readonly KeptReplay[]> {
  return connection.any(sql.type(keptSchema)`
    SELECT replay_id, old_table, old_collection FROM platform.replays
    WHERE source = ${source} AND dataset = ${dataset} AND dropped_at IS NULL AND (old_table IS NOT NULL OR old_collection IS NOT NULL)
    ORDER BY started_at`);
}

/** Records that a replay's replaced table and collection are gone. */
export async function markReplayDropped(connection: CommonQueryMethods, replayId: string): Promise<void> {
  await connection.query(sql.unsafe`UPDATE platform.replays SET dropped_at = now() WHERE replay_id = ${replayId}`);
}
