/**
 * One problem found in the metadata folder, precise enough to fix without searching:
 * the file, the YAML path inside it (`datasets[1].columns[3].type`), the line, what is wrong and the fix.
 */
import { ValidationError } from '#platform/errors.ts';

export type MetadataIssueSeverity = 'error' | 'warning';

export type MetadataIssue = {
  /** File relative to the metadata folder, with `/` separators (`bank.yml`, `gold/models.yml`). */
  readonly file: string;
  /** YAML path inside the file (`datasets[1].columns[3].type`); empty for the file as a whole. */
  readonly path: string;
  /** 1-based line and column of the offending node, when the file could be parsed that far. */
  readonly line?: number;
  readonly column?: number;
  /** Stable code (`metadata.unknown_key`, `metadata.key_not_declared`, …); tests and tools branch on it. */
  readonly code: string;
  /** Errors stop validation and sync; warnings are printed and change nothing. */
  readonly severity: MetadataIssueSeverity;
  /** What is wrong, naming the offending value (never a secret value). */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
};

export type PathSegment = string | number;

/** Formats a path as written in the issue list: `datasets[1].columns[3].type`. */
export function formatIssuePath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      text += `[${segment}]`;
    } else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) {
      text += text === '' ? segment : `.${segment}`;
    } else {
      text += `[${JSON.stringify(segment)}]`;
    }
  }
  return text;
}

/** Invalid metadata: carries every issue found, so a caller can print them all at once. */
export class MetadataValidationError extends ValidationError {
  readonly issues: readonly MetadataIssue[];

  constructor(directory: string, issues: readonly MetadataIssue[]) {
    const errors = issues.filter((issue) => issue.severity === 'error');
    const first = errors[0];
    const where = first === undefined ? '' : ` First: ${first.file}${first.path === '' ? '' : ` ${first.path}`}: ${first.message}; fix: ${first.fix}.`;
    super('metadata.invalid', `Metadata in ${directory} has ${errors.length} error(s); run \`dp metadata validate\` to list them all.${where}`, {
      context: { directory, issues: errors.map(({ file, path, code, message }) => ({ file, path, code, message })) },
    });
    this.issues = issues;
  }
}
