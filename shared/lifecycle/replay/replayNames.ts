import { relationName } from '#silver/silverSchema.ts';

/**
 * Where a replay of a dataset builds, and where what it replaces goes. Collections whose names start
 * with `_` can never be a dataset's (dataset names start with a letter).
 */
export function replayNames(table: string, stamp: string) {
  return {
    /** The silver table being rebuilt: `replay.<table>`, moved into `silver` by the swap. */
    schema: 'replay',
    table,
    /** The rejects of the merged runs until the swap: `replay.<table>_rejects`. */
    rejects: ['replay', relationName(table, 'rejects')] as const,
    /** The silver table the swap replaces, in schema `silver_old`. */
    oldTable: relationName(table, `r${stamp}`),
    collection: `_replay__${table}`,
    markers: `_replay_files__${table}`,
    oldCollection: `_old__${table}__${stamp}`,
  };
}

/** `20261201T155803Z` → `20261201t155803`: a stamp for names. */
export const replayStamp = (date: Date): string => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, '').toLowerCase();
