/**
 * Reads the value at a dotted path (`payee.name`, `lines.0.amount`) of a received record.
 * Returns undefined when any step is missing or is not an object or array.
 */
export function readSourcePath(record: unknown, path: string): unknown {
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
