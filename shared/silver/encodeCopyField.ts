const SPECIAL = /[\\\t\n\r]/;

/**
 * One field in Postgres' COPY text format: `\N` for NULL; backslash, tab, newline and carriage
 * return escaped. Fields are joined with tabs and rows end with a newline.
 */
export function encodeCopyField(value: string | null): string {
  if (value === null) return '\\N';
  if (!SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (character) => (character === '\\' ? '\\\\' : character === '\t' ? '\\t' : character === '\n' ? '\\n' : '\\r'));
}
