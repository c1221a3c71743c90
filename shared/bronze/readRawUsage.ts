import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

const usageRow = z.object({
  source: z.string(),
  dataset: z.string(),
  runs: z.number(),
  files: z.number(),
  bytes: z.bigint().transform(Number),
  compressed_files: z.number(),
  compressed_bytes: z.bigint().transform(Number),
  measured_at: z.date(),
});
export type RawUsageRow = z.output<typeof usageRow>;

/** Each dataset's raw files as the bronze step last measured them. */
export async function readRawUsage(db: CommonQueryMethods): Promise<readonly RawUsageRow[]> {
  return db.any(sql.type(usageRow)`SELECT source, dataset, runs, files, bytes, compressed_files, compressed_bytes, measured_at FROM platform.raw_usage ORDER BY source, dataset`);
}
