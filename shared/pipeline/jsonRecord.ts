import { z } from 'zod';

import { toJsonSafe } from '#platform/function/toJsonSafe.ts';

/**
 * A JSON object as it is stored in a jsonb column (a step's `detail`, a run's `trigger_detail`, an error's
 * `context`, an event's `payload`): what goes in is turned into plain JSON first — bigints and Dates become
 * strings, undefined values go — so what is read back is exactly what was written.
 */
export const jsonRecordSchema = z
  .record(z.string(), z.unknown())
  .transform((value) => JSON.parse(JSON.stringify(toJsonSafe(value))) as unknown)
  .pipe(z.record(z.string(), z.json()));
export type JsonRecord = z.output<typeof jsonRecordSchema>;
