import { formatDuration } from '#platform/formatDuration.ts';
import type { StepSummary } from './orchestratorReplies.ts';

const COUNTS = ['read', 'inserted', 'updated', 'closed', 'deleted', 'rejected', 'unchanged'] as const;

/** The non-zero row counts of a step: `17 read, 17 inserted, 1 rejected`. */
export function describeStepCounts(step: StepSummary): string {
  const parts = COUNTS.flatMap((name) => {
    const value = step.counts?.[name] ?? 0;
    return value === 0 ? [] : [`${value} ${name}`];
  });
  return parts.join(', ');
}

/** One progress line for a step chunk: `extract  succeeded  3 read  (120 ms)`, with the chunk and attempt when they are not the first. */
export function describeStep(step: StepSummary): string {
  const name = `${step.step}${step.chunk > 0 ? ` #${step.chunk}` : ''}${step.attempt !== undefined && step.attempt > 1 ? ` (attempt ${step.attempt})` : ''}`;
  // a gold step rebuilds its table whole: its only count is the rows built
  const counts = step.step === 'gold' ? `${step.counts?.inserted ?? 0} rows built` : describeStepCounts(step);
  const duration = step.duration_ms === null || step.duration_ms === undefined ? '' : `(${formatDuration(step.duration_ms)})`;
  const error = step.error ? `${step.error.code}: ${step.error.message}` : '';
  return [name.padEnd(8), step.status.padEnd(10), counts, duration, error].filter((part) => part.trim() !== '').join('  ');
}
