import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { selectBackupsToKeep } from '#lifecycle/backup/selectBackupsToKeep.ts';

/** A backup id at 03:15 UTC of the given day (`2026-11-28` → `20261128T031500Z`). */
const at = (day: string, time = '031500'): string => `${day.replaceAll('-', '')}T${time}Z`;

/** Nightly backups from `first` to `last` (inclusive), oldest first. */
function nightly(first: string, last: string): string[] {
  const ids: string[] = [];
  for (let day = new Date(`${first}T00:00:00Z`); day <= new Date(`${last}T00:00:00Z`); day.setUTCDate(day.getUTCDate() + 1)) ids.push(at(day.toISOString().slice(0, 10)));
  return ids;
}

test('seven daily and four weekly: the newest of each of the last seven days, then the newest of each ISO week (Monday to Sunday)', () => {
  // Forty nightly backups up to Saturday 2026-11-28, and a second one by hand that evening.
  const ids = [...nightly('2026-10-20', '2026-11-28'), at('2026-11-28', '201000')];
  const kept = [...selectBackupsToKeep(ids, { daily: 7, weekly: 4 })].sort();
  assert.equal(kept, [
    at('2026-11-08'), // Sunday: the newest of the week of 2–8 November
    at('2026-11-15'), // of 9–15 November
    at('2026-11-22'), // of 16–22 November, and one of the seven days
    at('2026-11-23'),
    at('2026-11-24'),
    at('2026-11-25'),
    at('2026-11-26'),
    at('2026-11-27'),
    at('2026-11-28', '201000'), // the newest of its day (the nightly one of that day goes)
  ]);
});

test('a day or week without a backup uses up no slot', () => {
  // A server that was off for weeks: backups on three scattered days.
  const ids = [at('2026-09-01'), at('2026-10-14'), at('2026-10-15'), at('2026-11-28')];
  assert.equal([...selectBackupsToKeep(ids, { daily: 2, weekly: 0 })].sort(), [at('2026-10-15'), at('2026-11-28')]);
  assert.equal([...selectBackupsToKeep(ids, { daily: 0, weekly: 3 })].sort(), [at('2026-09-01'), at('2026-10-15'), at('2026-11-28')]);
});

test('the newest backup is always kept, whatever the retention, and ids in any order are fine', () => {
  assert.equal([...selectBackupsToKeep([at('2026-11-28'), at('2026-11-29'), at('2026-11-27')], { daily: 0, weekly: 0 })], [at('2026-11-29')]);
  assert.equal(selectBackupsToKeep([], { daily: 7, weekly: 4 }).size, 0);
});

test.run();
