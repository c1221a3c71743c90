/**
 * Reads the value at a dotted path (`payee.name`, `lines.0.amount`, `data.transactions`) of a received
 * record or API response; an empty path is the value itself. Only own properties are followed (never
 * `constructor` or `toString` of a prototype), and array steps are digits. Returns undefined when any step
 * is missing or is not an object or array.
 */
export function readSourcePath(record: unknown, path: string): unknown {
  if (path === '') return record;
  let current: unknown = record;
  let start = 0;
  while (true) {
    if (current === null || typeof current !== 'object') return undefined;
    const dot = path.indexOf('.', start);
    const segment = dot === -1 ? path.slice(start) : path.slice(start, dot);
    current = Array.isArray(current) ? (/^\d+$/.test(segment) ? current[Number(segment)] : undefined) : Object.hasOwn(current, segment) ? (current as Record<string, unknown>)[segment] : undefined;
    if (dot === -1) return current;
    start = dot + 1;
  }
}
