/**
 * Makes a value plain JSON for people and scripts (curl, `dp --json`): bigints become strings,
 * Dates ISO strings, Maps objects and Sets arrays. Machine-to-machine bodies use superjson instead.
 */
export function toJsonSafe(value: unknown, depth = 0): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value === null || typeof value !== 'object' || depth > 50) return value;
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, item]) => [String(key), toJsonSafe(item, depth + 1)]));
  if (value instanceof Set) return [...value].map((item) => toJsonSafe(item, depth + 1));
  if (Array.isArray(value)) return value.map((item) => toJsonSafe(item, depth + 1));
  if (Buffer.isBuffer(value)) return value.toString('base64');
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toJsonSafe(item, depth + 1)]));
}
