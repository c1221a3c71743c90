import type { MetadataIssue } from './metadataIssue.ts';

/**
 * Renders issues for a terminal, grouped by file, errors and warnings in line order:
 *
 *     metadata/bank.yml
 *       14:9  error  datasets[1].key[0]
 *                    key column `transaction_idd` is not declared in `columns`
 *                    fix: did you mean `transaction_id`? …
 *
 * `directory` is the folder as the user named it; it prefixes each file so the path can be opened as is.
 */
export function formatMetadataIssues(issues: readonly MetadataIssue[], directory: string): string[] {
  const prefix = directory === '' || directory === '.' ? '' : `${directory.replace(/[\\/]+$/, '')}/`;
  const byFile = new Map<string, MetadataIssue[]>();
  for (const issue of issues) {
    byFile.set(issue.file, [...(byFile.get(issue.file) ?? []), issue]);
  }
  const lines: string[] = [];
  for (const [file, fileIssues] of byFile) {
    lines.push(file === '' ? (prefix === '' ? '(folder)' : prefix) : `${prefix}${file}`);
    for (const issue of fileIssues) {
      const where = issue.line === undefined ? '' : `${issue.line}:${issue.column ?? 1}`;
      const head = `  ${where.padEnd(7)} ${issue.severity.padEnd(7)} `;
      const indent = ' '.repeat(head.length);
      lines.push(`${head}${issue.path === '' ? '(file)' : issue.path}`);
      lines.push(`${indent}${issue.message}`);
      lines.push(`${indent}fix: ${issue.fix}`);
    }
    lines.push('');
  }
  return lines;
}
