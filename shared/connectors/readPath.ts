/** The value at a dotted path (`data.transactions`, `meta.next`) in a parsed JSON document; the document itself for an empty path. */
export function readPath(document: unknown, path: string): unknown {
  if (path === '') return document;
  let current: unknown = document;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = Array.isArray(current) && /^\d+$/.test(key) ? current[Number(key)] : (current as Record<string, unknown>)[key];
  }
  return current;
}
