import { randomBytes } from 'node:crypto';

/** A new run id: UTC time of creation plus randomness, `20260504T061500Z-3fa9c1d2` (sorts by time, safe in paths). */
export function newRunId(now: number = Date.now()): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}
