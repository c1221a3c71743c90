/** Reads one source path's value from a received record (see createSourcePathReader). */
export type SourcePathReader = (record: unknown) => unknown;

const DIGITS = /^\d+$/;

function readStep(current: unknown, segment: string, index: number): unknown {
  if (current === null || typeof current !== 'object') return undefined;
  if (Array.isArray(current)) return index >= 0 ? current[index] : undefined;
  return Object.hasOwn(current, segment) ? (current as Record<string, unknown>)[segment] : undefined;
}

/**
 * Compiles a dotted path (`payee.name`, `lines.0.amount`) once into a reader with the same answers
 * as readSourcePath: the path is split up front, so reading a record per row allocates nothing.
 * Returns undefined when any step is missing or is not an object or array; an empty path reads the record itself.
 */
export function createSourcePathReader(path: string): SourcePathReader {
  if (path === '') return (record) => record;
  const segments = path.split('.');
  const indexes = segments.map((segment) => (DIGITS.test(segment) ? Number(segment) : -1));
  if (segments.length === 1) {
    const segment = segments[0] as string;
    const index = indexes[0] as number;
    return (record) => readStep(record, segment, index);
  }
  return (record) => {
    let current = record;
    for (let step = 0; step < segments.length; step += 1) current = readStep(current, segments[step] as string, indexes[step] as number);
    return current;
  };
}
