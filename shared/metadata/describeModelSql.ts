/**
 * What a gold model's SQL is, read by Postgres' own parser (libpg-query, the parser of the server compiled
 * to WebAssembly): whether it is a single query that writes nothing, and which silver tables and gold models
 * it reads. `dp metadata validate` refuses anything else, and the gold step checks again before it builds.
 */
import { loadModule, parseSync } from 'libpg-query';

// The parser is WebAssembly, instantiated once when this module loads.
await loadModule();

export type ModelSqlFacts = {
  /** What is wrong with the text as a model, or undefined. */
  readonly problem: string | undefined;
  /** `<source>.<dataset>` for each `silver.<source>__<dataset>` read, and `gold.<model>` for each gold table read. */
  readonly reads: ReadonlySet<string>;
};

/** How the parser's statement nodes read in a message. */
const STATEMENTS: Readonly<Record<string, string>> = {
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
  TruncateStmt: 'TRUNCATE',
  DropStmt: 'DROP',
  CreateStmt: 'CREATE TABLE',
  CreateTableAsStmt: 'CREATE TABLE AS',
  AlterTableStmt: 'ALTER TABLE',
  CopyStmt: 'COPY',
  GrantStmt: 'GRANT',
  VariableSetStmt: 'SET',
  TransactionStmt: 'a transaction command',
  CallStmt: 'CALL',
  DoStmt: 'DO',
};
/** Statements that change data, wherever they occur (a data-modifying CTE runs even when nothing reads it). */
const WRITES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

const describeNode = (name: string): string => STATEMENTS[name] ?? name.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();

type Walk = { readonly writes: Set<string>; into: boolean; locks: boolean; readonly relations: { schema: string; name: string }[] };

/** Visits every node of the parse tree (plain JSON: `{ NodeName: { …fields } }`, lists, scalars). */
function walk(value: unknown, found: Walk): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, found);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    if (WRITES.has(key)) found.writes.add(describeNode(key));
    if (key === 'SelectStmt' && child !== null && typeof child === 'object') {
      if ('intoClause' in child) found.into = true;
      if ('lockingClause' in child) found.locks = true;
    }
    if (key === 'RangeVar' && child !== null && typeof child === 'object') {
      const range = child as { schemaname?: string; relname?: string };
      if (range.schemaname !== undefined && range.relname !== undefined) found.relations.push({ schema: range.schemaname, name: range.relname });
    }
    walk(child, found);
  }
}

/** The 1-based line of a character offset. */
const lineOf = (text: string, offset: number): number => text.slice(0, Math.max(0, offset)).split('\n').length;

/** Reads the facts of a (normalised) model SQL text. */
export function describeModelSql(sqlText: string): ModelSqlFacts {
  const reads = new Set<string>();
  if (sqlText.trim() === '') return { problem: 'is empty', reads };
  let tree: { stmts?: { stmt?: Record<string, unknown> }[] };
  try {
    tree = parseSync(sqlText) as typeof tree;
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    const where = details?.cursorPosition === undefined ? '' : ` (line ${lineOf(sqlText, details.cursorPosition)})`;
    return { problem: `is not valid SQL: ${(error as Error).message}${where}`, reads };
  }
  const statements = tree.stmts ?? [];
  const found: Walk = { writes: new Set(), into: false, locks: false, relations: [] };
  walk(statements, found);
  for (const relation of found.relations) {
    const dataset = relation.schema === 'silver' ? /^([a-z][a-z0-9_]*?)__([a-z][a-z0-9_]*)$/.exec(relation.name) : null;
    if (dataset !== null) reads.add(`${dataset[1]}.${dataset[2]}`);
    if (relation.schema === 'gold') reads.add(`gold.${relation.name}`);
  }
  const kinds = statements.map((entry) => Object.keys(entry.stmt ?? {})[0] ?? 'unknown');
  let problem: string | undefined;
  if (statements.length === 0) problem = 'is empty';
  else if (statements.length > 1) problem = `holds more than one statement (${kinds.map(describeNode).join(', ')}); a model is a single query`;
  else if (kinds[0] !== 'SelectStmt') problem = `is a ${describeNode(kinds[0] ?? 'unknown')} statement, not a query; a model is a single SELECT whose result becomes its table`;
  else if (found.writes.size > 0) problem = `changes data (${[...found.writes].join(', ')} inside the query); a model only reads`;
  else if (found.into) problem = 'uses SELECT … INTO, which creates a table; a model only reads (its result becomes its table)';
  else if (found.locks) problem = 'locks rows (FOR UPDATE / FOR SHARE); a model only reads';
  return { problem, reads };
}
