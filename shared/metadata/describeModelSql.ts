/**
 * A light reading of a gold model's SQL: is it a single query, and which silver tables and gold models
 * does it read? Enough to warn when `depends_on` and the SQL disagree; Postgres checks the rest at build.
 */

export type ModelSqlFacts = {
  /** What is wrong with the text as a model, or undefined. */
  readonly problem: string | undefined;
  /** `<source>.<dataset>` for each `silver.<source>__<dataset>` read, and `gold.<model>` for each gold table read. */
  readonly reads: ReadonlySet<string>;
};

/** Blanks out comments and quoted strings, keeping identifiers and keywords. */
function stripLiterals(sqlText: string): string {
  return sqlText
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/\$([a-z_]*)\$[\s\S]*?\$\1\$/gi, "''");
}

/** Reads the facts of a (normalised) model SQL text. */
export function describeModelSql(sqlText: string): ModelSqlFacts {
  const code = stripLiterals(sqlText).toLowerCase();
  const reads = new Set<string>();
  for (const match of code.matchAll(/\bsilver\s*\.\s*"?([a-z][a-z0-9_]*?)__([a-z][a-z0-9_]*)"?/g)) {
    reads.add(`${match[1]}.${match[2]}`);
  }
  for (const match of code.matchAll(/\bgold\s*\.\s*"?([a-z][a-z0-9_]*)"?/g)) {
    reads.add(`gold.${match[1]}`);
  }
  let problem: string | undefined;
  const body = code.trim();
  if (body === '') {
    problem = 'is empty';
  } else if (!/^\(*\s*(select|with|values|table)\b/.test(body)) {
    problem = 'does not start with SELECT or WITH; a model is a single query whose result becomes its table';
  } else if (body.includes(';')) {
    problem = 'holds more than one statement; a model is a single query';
  }
  return { problem, reads };
}
