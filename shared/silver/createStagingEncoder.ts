import type { DatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import { createSeenKeyFilter } from './createSeenKeyFilter.ts';
import { createSilverRecordMapper } from './createSilverRecordMapper.ts';
import { encodeCopyField } from './encodeCopyField.ts';
import type { SilverInput } from './stageSilverBatch.ts';

/** The columns of a stage table before the business columns, in COPY order. */
export const STAGE_COLUMNS = ['_seq', '_key_hash', '_scd1_hash', '_scd2_hash', '_deleted', '_rejected', '_maybe_duplicate'] as const;
/** The columns of a stage's rejects table, in COPY order. */
export const STAGE_REJECT_COLUMNS = ['_seq', 'key', 'key_hash', 'column_name', 'value', 'reason', 'origin'] as const;

/** What an encoder has seen so far. */
export type StagingCounts = {
  readonly read: number;
  /** Records rejected (a value did not cast, or the key is unusable). */
  readonly rejected: number;
  /** Rows written to the stage (a rejected record with a usable key is staged as present). */
  readonly staged: number;
  /** Rows whose key may have occurred earlier in this encoder's records (a Bloom filter's answer). */
  readonly maybeDuplicates: number;
};

export type StagingEncoder = {
  /** Appends the stage row of one record to `rows` (and its rejected values to the encoder's rejects text); returns the new `rows`. */
  readonly append: (rows: string, input: SilverInput) => string;
  /** The COPY text of the rejected values collected so far, and forgets it. */
  readonly takeRejects: () => string;
  readonly counts: () => StagingCounts;
};

const NO_KEY = '\\N';

/**
 * Creates the encoder that turns received records into COPY text for a silver stage: each record is mapped
 * (cast, hashed — see createSilverRecordMapper), written as one row of the stage table, and its rejected
 * values as rows of the rejects table. Rows are appended straight onto the caller's text (V8 keeps the
 * appends as a rope and flattens it once when sent), and successful records allocate no rejects.
 */
export function createStagingEncoder(plan: DatasetColumns): StagingEncoder {
  const map = createSilverRecordMapper(plan);
  const nullRest = plan.columns.map(() => '\\N').join('\t');
  const mayNeedEscape = plan.columns.map((column) => column.type === 'text' || column.type === 'jsonb');
  const seenKeys = createSeenKeyFilter();
  let rejectsText = '';
  let read = 0;
  let rejected = 0;
  let staged = 0;
  let maybeDuplicates = 0;
  const flagRepeat = (keyHash: string): string => {
    if (!seenKeys.seen(keyHash)) return 'f';
    maybeDuplicates += 1;
    return 't';
  };
  return {
    append: (rows, input) => {
      read += 1;
      const mapped = map(input.record, input.key);
      let text = rows;
      if (mapped.rejects.length > 0) {
        rejected += 1;
        const key = mapped.key === null ? NO_KEY : encodeCopyField(JSON.stringify(mapped.key));
        const keyHash = mapped.keyHash ?? NO_KEY;
        const origin = encodeCopyField(input.origin ?? null);
        for (const reject of mapped.rejects) {
          rejectsText += `${input.seq}\t${key}\t${keyHash}\t${encodeCopyField(reject.column)}\t${encodeCopyField(reject.value)}\t${encodeCopyField(reject.reason)}\t${origin}\n`;
        }
        // A rejected record whose key is usable is staged as present, so a full load does not delete that key.
        if (mapped.keyHash === null) return text;
        staged += 1;
        return `${text}${input.seq}\t${mapped.keyHash}\t\\N\t\\N\tf\tt\t${flagRepeat(mapped.keyHash)}\t${nullRest}\n`;
      }
      staged += 1;
      text += `${input.seq}\t${mapped.keyHash}\t${mapped.scd1Hash}\t${mapped.scd2Hash}\t${mapped.deleted ? 't' : 'f'}\tf\t${flagRepeat(mapped.keyHash as string)}`;
      const values = mapped.values;
      for (let index = 0; index < values.length; index += 1) {
        const value = values[index] as string | null;
        // Only text and jsonb values can hold characters COPY must escape; the other canonical forms cannot.
        text += value === null ? '\t\\N' : mayNeedEscape[index] ? `\t${encodeCopyField(value)}` : `\t${value}`;
      }
      return `${text}\n`;
    },
    takeRejects: () => {
      const text = rejectsText;
      rejectsText = '';
      return text;
    },
    counts: () => ({ read, rejected, staged, maybeDuplicates }),
  };
}
