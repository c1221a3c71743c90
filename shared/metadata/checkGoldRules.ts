/**
 * Rules that span gold model files and sources: unique model names, `depends_on` targets that exist,
 * no cycle between models, SQL files present and readable as a single query, and SQL that agrees with
 * `depends_on` (warnings). Checked on the documents as written so every problem is reported at once.
 */
import path from 'node:path';

import { isPlatformError } from '#platform/errors.ts';
import { closestName } from './closestName.ts';
import { datasetTableName } from './datasetTableName.ts';
import { describeModelSql } from './describeModelSql.ts';
import { formatIssuePath, type MetadataIssue, type PathSegment } from './metadataIssue.ts';
import { normaliseModelSql } from './normaliseModelSql.ts';
import type { ParsedYaml } from './parseMetadataYaml.ts';

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export type GoldRuleInput = {
  readonly goldFiles: readonly { readonly file: string; readonly parsed: ParsedYaml }[];
  /** Every `<source>.<dataset>` declared in the source files (also those with errors). */
  readonly datasets: ReadonlySet<string>;
  /** Sources whose file could not be read as YAML: references to them are not reported as dangling. */
  readonly unreadableSources: ReadonlySet<string>;
  /** Every `.sql` file of the folder: relative path → text. */
  readonly sqlFiles: ReadonlyMap<string, string>;
};

type ModelEntry = {
  readonly name: string;
  readonly file: string;
  readonly parsed: ParsedYaml;
  readonly index: number;
  readonly dependsOn: readonly { readonly target: string; readonly index: number }[];
};

/** Returns the gold rule issues of all gold files. */
export function checkGoldRules(input: GoldRuleInput): MetadataIssue[] {
  const issues: MetadataIssue[] = [];
  const report = (entry: { file: string; parsed: ParsedYaml }, where: readonly PathSegment[], code: string, message: string, fix: string, severity: 'error' | 'warning' = 'error'): void => {
    issues.push({ file: entry.file, path: formatIssuePath(where), ...(entry.parsed.locate(where) ?? {}), code, severity, message, fix });
  };

  const models = new Map<string, ModelEntry>();
  for (const { file, parsed } of input.goldFiles) {
    asArray(isObject(parsed.value) ? parsed.value.models : undefined).forEach((model, index) => {
      if (!isObject(model) || typeof model.name !== 'string') {
        return;
      }
      const first = models.get(model.name);
      if (first !== undefined) {
        report({ file, parsed }, ['models', index, 'name'], 'metadata.duplicate_name', `model \`${model.name}\` is declared twice (first in ${first.file} at models[${first.index}])`, 'rename or remove one of them');
        return;
      }
      const dependsOn = asArray(model.depends_on).flatMap((target, depIndex) => (typeof target === 'string' ? [{ target, index: depIndex }] : []));
      models.set(model.name, { name: model.name, file, parsed, index, dependsOn });
    });
  }

  const known = [...input.datasets, ...[...models.keys()].map((name) => `gold.${name}`)];
  const usedSql = new Set<string>();
  for (const entry of models.values()) {
    const at = (...rest: PathSegment[]): PathSegment[] => ['models', entry.index, ...rest];
    const seen = new Set<string>();
    const dangling = new Set<string>();
    for (const { target, index } of entry.dependsOn) {
      if (seen.has(target)) {
        report(entry, at('depends_on', index), 'metadata.duplicate_dependency', `\`${target}\` is listed twice`, 'list it once', 'warning');
      }
      seen.add(target);
      const exists = target.startsWith('gold.') ? models.has(target.slice(5)) : input.datasets.has(target) || input.unreadableSources.has(target.split('.')[0] ?? '');
      if (!exists) {
        dangling.add(target);
      }
      if (!exists && /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/.test(target)) {
        const guess = closestName(target, known);
        const kind = target.startsWith('gold.') ? 'gold model' : 'dataset';
        report(entry, at('depends_on', index), 'metadata.unknown_dependency', `\`${target}\` points at nothing: no ${kind} has that name`, guess === undefined ? `use an existing dataset (\`<source>.<dataset>\`) or model (\`gold.<model>\`): ${known.join(', ') || 'none declared'}` : `did you mean \`${guess}\`?`);
      }
    }
    checkModelSql(entry, input.sqlFiles, usedSql, dangling, report);
  }
  findCycles(models, report);

  for (const file of input.sqlFiles.keys()) {
    if (!usedSql.has(file)) {
      issues.push({ file, path: '', code: 'metadata.unused_sql', severity: 'warning', message: 'no gold model uses this SQL file', fix: 'reference it from a model (`sql: …`) or delete it' });
    }
  }
  return issues;
}

type Report = (entry: { file: string; parsed: ParsedYaml }, where: readonly PathSegment[], code: string, message: string, fix: string, severity?: 'error' | 'warning') => void;


/** The table a `depends_on` target names (`bank.transactions` → `silver.bank__transactions`), for messages; a name too long for Postgres is shown as it is. */
function tableOf(target: string): string {
  if (target.startsWith('gold.')) return target;
  const [source, dataset] = target.split('.') as [string, string];
  try {
    return `silver.${datasetTableName(source, dataset)}`;
  } catch (error) {
    if (isPlatformError(error) && error.code === 'layers.name_too_long') return `silver.${String(error.context.table)}`;
    throw error;
  }
}
function checkModelSql(entry: ModelEntry, sqlFiles: ReadonlyMap<string, string>, usedSql: Set<string>, dangling: ReadonlySet<string>, report: Report): void {
  const model = (entry.parsed.value as { models: Record<string, unknown>[] }).models[entry.index] ?? {};
  const where: PathSegment[] = ['models', entry.index, 'sql'];
  if (typeof model.sql !== 'string' || !model.sql.endsWith('.sql')) {
    return;
  }
  const relative = path.posix.normalize(model.sql.replace(/\\/g, '/'));
  if (path.posix.isAbsolute(relative) || relative.startsWith('../')) {
    report(entry, where, 'metadata.sql_outside_folder', `\`${model.sql}\` is outside the metadata folder`, 'keep model SQL inside the metadata folder and write its path relative to it, e.g. `gold/<model>.sql`');
    return;
  }
  const text = sqlFiles.get(relative);
  if (text === undefined) {
    const sameName = [...sqlFiles.keys()].find((file) => path.posix.basename(file) === path.posix.basename(relative));
    report(entry, where, 'metadata.sql_missing', `SQL file \`${relative}\` does not exist (paths are relative to the metadata folder)`, sameName === undefined ? `create \`${relative}\` holding one SELECT over silver.<source>__<dataset> tables` : `did you mean \`${sameName}\`?`);
    return;
  }
  usedSql.add(relative);
  const facts = describeModelSql(normaliseModelSql(text));
  if (facts.problem !== undefined) {
    report(entry, where, 'metadata.sql_invalid', `SQL file \`${relative}\` ${facts.problem}`, 'write one SELECT (or WITH … SELECT) without other statements');
    return;
  }
  const listed = new Set(entry.dependsOn.map((dependency) => dependency.target));
  for (const read of facts.reads) {
    if (!listed.has(read)) {
      const table = tableOf(read);
      report(entry, ['models', entry.index, 'depends_on'], 'metadata.dependency_not_listed', `the SQL reads \`${table}\` but \`depends_on\` does not list \`${read}\`, so a change there will not rebuild this model`, `add \`${read}\` to depends_on`, 'warning');
    }
  }
  for (const { target, index } of entry.dependsOn) {
    if (!facts.reads.has(target) && !dangling.has(target)) {
      const table = tableOf(target);
      report(entry, ['models', entry.index, 'depends_on', index], 'metadata.dependency_not_read', `\`depends_on\` lists \`${target}\` but the SQL does not read \`${table}\``, 'remove it, or read the table in the SQL', 'warning');
    }
  }
}

/** Reports each cycle once, at the dependency that closes it. */
function findCycles(models: ReadonlyMap<string, ModelEntry>, report: Report): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const reported = new Set<string>();
  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    const entry = models.get(name);
    for (const { target, index } of entry?.dependsOn ?? []) {
      if (!target.startsWith('gold.') || entry === undefined) {
        continue;
      }
      const next = target.slice(5);
      if (state.get(next) === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        const id = [...new Set(cycle)].sort().join(',');
        if (!reported.has(id)) {
          reported.add(id);
          report(entry, ['models', entry.index, 'depends_on', index], 'metadata.dependency_cycle', `gold models depend on each other in a cycle: ${cycle.map((model) => `gold.${model}`).join(' → ')}`, 'remove one of these dependencies; a model can only build on models that do not depend on it');
        }
      } else if (state.get(next) === undefined && models.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of [...models.keys()].sort()) {
    if (state.get(name) === undefined) {
      visit(name);
    }
  }
}
