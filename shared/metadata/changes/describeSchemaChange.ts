import type { SchemaChange } from './diffDataset.ts';

/** What a person should do about a change: nothing, a replay that makes history as if the change had always been there, or a replay without which loads fail. */
export type ChangeAdvice = 'none' | 'replay_recommended' | 'replay_required';

export type DescribedChange = {
  readonly change: SchemaChange;
  /** The change in words: "column `amount` retyped text → numeric". */
  readonly what: string;
  /** What happens to silver when the change is synced and the next run merges. */
  readonly effect: string;
  readonly advice: ChangeAdvice;
};

const kindName = (scd: string | number): string => (scd === 'key' ? 'key' : `scd ${scd}`);

/**
 * What a change does to a dataset's silver table (`table`) from the next run on — given the merge's rules:
 * scd2 and scd1 columns are hashed by name and value, NULLs left out; a changed scd2 hash opens a version,
 * a changed scd1 hash overwrites every version; columns are added, never dropped or retyped.
 */
export function describeSchemaChange(change: SchemaChange, table: string): DescribedChange {
  switch (change.kind) {
    case 'column_added':
      if (change.scd === 1) return { change, what: `column \`${change.column}\` added (scd 1)`, effect: `${table} gets the column; the next run writes its value on every version of each key, with no new version`, advice: 'none' };
      if (change.scd === 'none') return { change, what: `column \`${change.column}\` added (scd none)`, effect: `${table} gets the column, NULL on every existing version; versions opened later carry it, current rows stay NULL until their next scd 2 change`, advice: 'replay_recommended' };
      return { change, what: `column \`${change.column}\` added (${kindName(change.scd)})`, effect: `${table} gets the column, NULL on every existing version; the next run opens a new version for every key that has a value for it, so its history starts today`, advice: 'replay_recommended' };
    case 'column_removed':
      if (change.scd === 2) return { change, what: `column \`${change.column}\` removed (scd 2)`, effect: `${table} keeps the column and its history, NULL in new versions; the next run opens a new version for every key whose value was not NULL`, advice: 'replay_recommended' };
      return { change, what: `column \`${change.column}\` removed (${kindName(change.scd)})`, effect: `${table} keeps the column and its history, NULL in new versions${change.scd === 1 ? '; the next run rewrites each key\'s scd 1 columns once, without new versions' : ''}`, advice: 'none' };
    case 'column_renamed':
      return {
        change,
        what: `column \`${change.from}\` renamed \`${change.column}\` (same source)`,
        effect: change.scd === 2
          ? `${table} gets \`${change.column}\`, NULL on every existing version, and keeps \`${change.from}\` with the old values; the next run opens a new version for every key (the name is part of the scd 2 hash)`
          : `${table} gets \`${change.column}\` and keeps \`${change.from}\` with the old values${change.scd === 1 ? '; the next run writes the new column on every version' : ''}`,
        advice: change.scd === 1 ? 'none' : 'replay_recommended',
      };
    case 'column_retyped':
      return { change, what: `column \`${change.column}\` retyped ${change.from} → ${change.to}`, effect: `${table} keeps \`${change.column}\` as ${change.from} (history is never rewritten in place): loads of the dataset are refused until a replay rebuilds the table with the new type`, advice: 'replay_required' };
    case 'scd_changed': {
      const what = `column \`${change.column}\` scd ${change.from} → ${change.to}`;
      if (change.from !== 2 && change.to !== 2) {
        return { change, what, effect: `the next run rewrites the column on every version of each key whose value is not NULL${change.to === 1 ? ' (scd 1 overwrites)' : ''}; no new versions`, advice: 'none' };
      }
      return { change, what, effect: `the scd 2 hash ${change.to === 2 ? 'now includes' : 'no longer includes'} it: the next run opens a new version for every key whose value is not NULL; earlier changes of the column stay ${change.to === 2 ? 'unrecorded' : 'recorded as versions'}`, advice: 'replay_recommended' };
    }
    case 'source_changed':
      return { change, what: `column \`${change.column}\` read from \`${change.to}\` instead of \`${change.from}\``, effect: `from the next run the value comes from \`${change.to}\`: keys whose value differs ${change.scd === 2 ? 'open a new version' : change.scd === 1 ? 'are overwritten on every version' : 'carry it in their next version'}; history keeps what was read from \`${change.from}\``, advice: 'replay_recommended' };
    case 'key_changed':
      return { change, what: `key (${change.from.join(', ')}) → (${change.to.join(', ')})`, effect: `every record gets a new key hash, so no key matches its history: a full load closes every current key and inserts every key anew, a delta load leaves the old keys current beside the new ones`, advice: 'replay_required' };
    case 'load_changed':
      return { change, what: `load ${change.from} → ${change.to}`, effect: `runs from now on are merged as ${change.to} loads (${change.to === 'full' ? 'keys absent from a run are deleted' : 'absent keys are left alone'}); past runs keep the meaning they had`, advice: 'replay_recommended' };
    case 'deleted_flag_changed':
      return { change, what: `deleted flag ${change.from === null ? 'none' : `\`${change.from}\``} → ${change.to === null ? 'none' : `\`${change.to}\``}`, effect: `from the next run ${change.to === null ? 'no record is a deletion by flag' : `a record whose \`${change.to}\` is true becomes a tombstone`}; past runs keep the meaning they had`, advice: 'replay_recommended' };
  }
}
