import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { RawUsage } from '#platform/raw/rawStore.ts';

/** Records how much of the raw store a dataset uses (`platform.raw_usage`), measured by the bronze step's retention pass. */
export async function recordRawUsage(db: CommonQueryMethods, source: string, dataset: string, usage: RawUsage): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO platform.raw_usage (source, dataset, runs, files, bytes, compressed_files, compressed_bytes, measured_at)
    VALUES (${source}, ${dataset}, ${usage.runs}, ${usage.files}, ${usage.bytes}, ${usage.compressedFiles}, ${usage.compressedBytes}, now())
    ON CONFLICT (source, dataset) DO UPDATE SET
      runs = excluded.runs, files = excluded.files, bytes = excluded.bytes,
      compressed_files = excluded.compressed_files, compressed_bytes = excluded.compressed_bytes, measured_at = excluded.measured_at`);
}
