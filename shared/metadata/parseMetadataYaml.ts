/**
 * Parses one metadata YAML file, keeping node positions so every later issue can name its line.
 * Syntax errors of the whole file are reported at once; a file with syntax errors is not validated further.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

import type { MetadataIssue, PathSegment } from './metadataIssue.ts';

export type Position = { readonly line: number; readonly column: number };

export type ParsedYaml = {
  /** The document as plain data (`undefined` when the file has syntax errors). */
  readonly value: unknown;
  readonly issues: readonly MetadataIssue[];
  /** Position of the node at `path` (of its key when `key` is set), or of the nearest ancestor present. */
  readonly locate: (path: readonly PathSegment[], options?: { readonly key?: boolean }) => Position | undefined;
};

const SYNTAX_FIXES: Readonly<Record<string, string>> = {
  DUPLICATE_KEY: 'keep only one of the two keys with this name',
  MULTIPLE_DOCS: 'keep one YAML document per file: remove the `---` line, or move the second document to its own file',
  BAD_INDENT: 'indent the lines of one block by the same number of spaces',
  MISSING_CHAR: 'close the quote or bracket, or add the missing `-` before the list item',
  TAB_AS_INDENT: 'indent with spaces; YAML does not allow tabs for indentation',
};

type Located = { readonly node: unknown; readonly keyNode?: unknown };

function child(node: unknown, segment: PathSegment): Located | undefined {
  if (isMap(node)) {
    const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
    return pair === undefined ? undefined : { node: pair.value, keyNode: pair.key };
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment];
    return item === undefined ? undefined : { node: item };
  }
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return Array.isArray(range) ? range[0] : undefined;
}

/** Parses `text` (the content of `file`) as a single YAML document with unique keys. */
export function parseMetadataYaml(file: string, text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const toPosition = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  const locate: ParsedYaml['locate'] = (path, options = {}) => {
    let current: Located = { node: document.contents };
    let offset = rangeStart(current.node);
    for (const [index, segment] of path.entries()) {
      const next = child(current.node, segment);
      if (next === undefined) {
        break;
      }
      current = next;
      const isLast = index === path.length - 1;
      offset = (isLast && options.key === true ? rangeStart(current.keyNode) : undefined) ?? rangeStart(current.node) ?? rangeStart(current.keyNode) ?? offset;
    }
    return offset === undefined ? undefined : toPosition(offset);
  };

  const issues: MetadataIssue[] = [...document.errors, ...document.warnings].map((problem) => {
    const position = problem.linePos?.[0];
    const isError = document.errors.includes(problem);
    return {
      file,
      path: '',
      ...(position === undefined ? {} : { line: position.line, column: position.col }),
      code: 'metadata.yaml_syntax',
      severity: isError ? 'error' : 'warning',
      message: `YAML: ${(problem.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
      fix: SYNTAX_FIXES[problem.code] ?? 'correct the YAML at that line (indentation, quotes, `key: value` pairs)',
    };
  });
  const failed = document.errors.length > 0;
  return { value: failed ? undefined : document.toJS({ maxAliasCount: 100 }), issues, locate };
}
