import { randomBytes } from 'node:crypto';

/**
 * A new run id: UTC start time plus randomness, e.g. `20260301T120000Z-3f9a1c`. Sorts by time and
 * is safe as a raw store folder name.
 */
export function createRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
