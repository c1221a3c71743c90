import { parseSchedule } from '#platform/cron/parseSchedule.ts';
import { nextScheduleSlot } from '#orchestrator/schedule/nextScheduleSlot.ts';
import { previousScheduleSlot } from '#orchestrator/schedule/previousScheduleSlot.ts';

/**
 * How fresh a dataset is against its schedule:
 * - `fresh`: it succeeded since the schedule last fired;
 * - `due`: the schedule fired less than a quarter interval ago (at most 10 minutes) and the run has not succeeded yet;
 * - `stale`: a slot passed without a success;
 * - `never`: it never succeeded; `unscheduled`: no schedule to judge against.
 */
export type Freshness = {
  readonly state: 'fresh' | 'due' | 'stale' | 'never' | 'unscheduled';
  /** When the schedule fires next, when there is one that parses. */
  readonly nextAt: Date | null;
};

export function describeFreshness(schedule: string | null, lastSuccessAt: Date | null, now: number): Freshness {
  let previous: Date | null = null;
  let nextAt: Date | null = null;
  if (schedule !== null) {
    try {
      const parsed = parseSchedule(schedule);
      previous = previousScheduleSlot(parsed, now);
      nextAt = nextScheduleSlot(parsed, now);
    } catch {
      // a schedule the metadata validation let through but that no longer parses: judged as unscheduled
    }
  }
  if (lastSuccessAt === null) return { state: 'never', nextAt };
  if (previous === null || nextAt === null) return { state: 'unscheduled', nextAt };
  if (lastSuccessAt.getTime() >= previous.getTime()) return { state: 'fresh', nextAt };
  const grace = Math.min(600_000, (nextAt.getTime() - previous.getTime()) / 4);
  return { state: now - previous.getTime() < grace ? 'due' : 'stale', nextAt };
}
