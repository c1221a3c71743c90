import { MAX_RECORDS_PER_PART } from '#bronze/loadBronze.ts';
import type { RawRunRef, RawStore } from '#platform/raw/rawStore.ts';
import type { SilverInput } from '#silver/stageSilverBatch.ts';
import { replayPartKeys } from './findMissingRaw.ts';

/**
 * A run's records straight from its raw parts, numbered as the silver step numbers the run's bronze
 * documents (part × MAX_RECORDS_PER_PART + position, origin `<part key>#<position>`), so the merge sees the
 * same records in the same order without reading them back from bronze.
 */
export async function* readRawRecords(rawStore: RawStore, raw: RawRunRef): AsyncGenerator<readonly SilverInput[]> {
  for (const { key, part } of await replayPartKeys(rawStore, raw)) {
    const content = await rawStore.readPart(key);
    yield content.records.map((record, index) => ({ seq: part * MAX_RECORDS_PER_PART + index, record, origin: `${key}#${index}` }));
  }
}
