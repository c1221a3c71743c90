import { backupIdDate } from '../archive/backupManifest.ts';

export type BackupRetention = {
  /** Keep the newest backup of each of the last `daily` days that have one (UTC). */
  readonly daily: number;
  /** Keep the newest backup of each of the last `weekly` ISO weeks that have one (UTC, weeks start on Monday). */
  readonly weekly: number;
};

const dayOf = (date: Date): string => date.toISOString().slice(0, 10);

function isoWeekOf(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** The newest id of each of the newest `count` periods. `ids` must be sorted newest first. */
function newestPerPeriod(ids: readonly string[], count: number, periodOf: (date: Date) => string): string[] {
  const kept: string[] = [];
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.size >= count) break;
    const period = periodOf(backupIdDate(id));
    if (!seen.has(period)) {
      seen.add(period);
      kept.push(id);
    }
  }
  return kept;
}

/**
 * Which complete backups to keep: the newest of each of the last `daily` days and of each of the last
 * `weekly` weeks that have a backup (so a week without backups does not use up a slot), and always the
 * newest one. Everything else may be deleted.
 */
export function selectBackupsToKeep(ids: readonly string[], retention: BackupRetention): Set<string> {
  const newestFirst = [...ids].sort().reverse();
  const kept = new Set<string>([...newestPerPeriod(newestFirst, retention.daily, dayOf), ...newestPerPeriod(newestFirst, retention.weekly, isoWeekOf)]);
  if (newestFirst[0] !== undefined) kept.add(newestFirst[0]);
  return kept;
}
