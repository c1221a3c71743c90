import { ValidationError } from '#platform/errors.ts';
import type { JsonValue } from './datasetRunRef.ts';

/** Throws a ValidationError naming `what` unless `value` survives a JSON round trip unchanged (no bigint, Date, undefined, NaN). */
export function assertJsonValue(value: unknown, what: string): asserts value is JsonValue {
  const problem = findProblem(value, '$');
  if (problem !== undefined) {
    throw new ValidationError('connector.state_not_json', `${what} is not plain JSON: ${problem}. Cursors and checkpoints must be JSON (convert bigints and dates to strings).`);
  }
}

function findProblem(value: unknown, at: string): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${at} is ${value}`;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const problem = findProblem(item, `${at}[${index}]`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const problem = findProblem(item, `${at}.${key}`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  return `${at} is a ${value instanceof Date ? 'Date' : typeof value}`;
}
