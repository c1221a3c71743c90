/**
 * The SQL of a gold model as stored and hashed: LF line endings, no trailing blanks, no trailing `;`
 * (the gold step wraps it in `CREATE TABLE … AS`), so editor noise does not create a new metadata version.
 */
export function normaliseModelSql(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim()
    .replace(/;\s*$/, '')
    .trimEnd();
}
