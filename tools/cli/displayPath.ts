import path from 'node:path';

/** A path as a person in this shell types it: relative to the current folder when inside it (`.data/logs`), else absolute. */
export function displayPath(target: string): string {
  const relative = path.relative(process.cwd(), target);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : target;
}
