/**
 * Validates a whole metadata folder held in memory: every source file, every gold model file and the
 * SQL they name. Pure (no I/O), so it is tested on plain text; `loadMetadata` reads the folder and calls it.
 */
import path from 'node:path';

import { canonicalHash } from './canonicalHash.ts';
import { checkGoldRules } from './checkGoldRules.ts';
import { checkSourceRules } from './checkSourceRules.ts';
import type { ConnectorRegistry } from './connectorSettings.ts';
import { findSecretLiterals } from './findSecretLiterals.ts';
import type { MetadataIssue } from './metadataIssue.ts';
import { normaliseModelSql } from './normaliseModelSql.ts';
import { parseMetadataYaml, type ParsedYaml } from './parseMetadataYaml.ts';
import { goldFileSchema, sourceSchema, type GoldModel, type MetadataSet, type Source } from './schema.ts';
import type { SchemaNode } from './schemaWalk.ts';
import { metadataErrorMap, translateZodIssues } from './translateZodIssues.ts';

/** One file of the metadata folder: its path relative to the folder (with `/`) and its text. */
export type MetadataFileText = { readonly path: string; readonly text: string };

export type MetadataValidation = {
  /** The parsed metadata, present only when there is no error (warnings allowed). */
  readonly metadata: MetadataSet | undefined;
  /** Every error and warning, ordered by file and line. */
  readonly issues: readonly MetadataIssue[];
  /** The YAML files that were read as sources and gold model files. */
  readonly files: readonly string[];
};

export type ValidateMetadataOptions = {
  /** Connector settings schemas to check `config`, `extract` and secret roles with. Default: not checked. */
  readonly connectors?: ConnectorRegistry;
};

const YAML_FILE = /\.ya?ml$/;

/** Code-point order: the same on every machine, unlike localeCompare. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) {
      deepFreeze(item);
    }
  }
  return value;
}

const isSensitive = (where: readonly (string | number)[]): boolean => where[0] === 'secrets' || where[0] === 'webhook_secret';

function compareIssues(a: MetadataIssue, b: MetadataIssue): number {
  return byText(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || byText(a.path, b.path);
}

/** Validates the files of a metadata folder; returns the parsed metadata when it has no error, and every issue. */
export function validateMetadata(files: readonly MetadataFileText[], options: ValidateMetadataOptions = {}): MetadataValidation {
  const issues: MetadataIssue[] = [];
  const sourceFiles: { file: string; stem: string; parsed: ParsedYaml }[] = [];
  const goldFiles: { file: string; parsed: ParsedYaml }[] = [];
  const sqlFiles = new Map<string, string>();
  const stems = new Map<string, string>();

  for (const { path: file, text } of [...files].sort((a, b) => byText(a.path, b.path))) {
    const directory = path.posix.dirname(file);
    if (file.endsWith('.sql')) {
      sqlFiles.set(file, text);
    } else if (YAML_FILE.test(file) && directory === '.') {
      const stem = path.posix.basename(file).replace(YAML_FILE, '');
      const other = stems.get(stem);
      if (other !== undefined) {
        issues.push({ file, path: '', code: 'metadata.duplicate_name', severity: 'error', message: `source file for \`${stem}\` exists twice (also ${other})`, fix: 'keep one of the two files' });
        continue;
      }
      stems.set(stem, file);
      sourceFiles.push({ file, stem, parsed: parseMetadataYaml(file, text) });
    } else if (YAML_FILE.test(file) && directory === 'gold') {
      goldFiles.push({ file, parsed: parseMetadataYaml(file, text) });
    } else if (YAML_FILE.test(file)) {
      issues.push({ file, path: '', code: 'metadata.file_ignored', severity: 'warning', message: 'is not read: sources live at the top of the metadata folder and gold models in gold/', fix: 'move it to the top of the folder (a source) or into gold/ (gold models), or delete it' });
    }
  }
  if (sourceFiles.length === 0) {
    issues.push({ file: '', path: '', code: 'metadata.no_sources', severity: 'error', message: 'the metadata folder holds no source file', fix: 'add `<source>.yml` files (see docs/metadata.md), or point the command at the right folder' });
  }

  const sources: Source[] = [];
  const datasetRefs = new Set<string>();
  const unreadableSources = new Set<string>();
  for (const { file, stem, parsed } of sourceFiles) {
    issues.push(...parsed.issues);
    if (parsed.value === undefined) {
      unreadableSources.add(stem);
      continue;
    }
    const secretIssues = findSecretLiterals(file, parsed);
    const secretPaths = new Set(secretIssues.map((issue) => issue.path));
    const result = sourceSchema.safeParse(parsed.value, { error: metadataErrorMap });
    const schemaIssues = result.success ? [] : translateZodIssues(result.error.issues, { file, parsed, schema: sourceSchema as unknown as SchemaNode, isSensitive });
    const fileIssues = [...secretIssues, ...schemaIssues.filter((issue) => !secretPaths.has(issue.path)), ...checkSourceRules({ file, stem, parsed, ...(options.connectors === undefined ? {} : { connectors: options.connectors }) })];
    issues.push(...fileIssues);
    const document = (parsed.value !== null && typeof parsed.value === 'object' ? parsed.value : {}) as { source?: unknown; datasets?: unknown };
    if (Array.isArray(document.datasets)) {
      for (const dataset of document.datasets as { name?: unknown }[]) {
        if (typeof document.source === 'string' && typeof dataset?.name === 'string') {
          datasetRefs.add(`${document.source}.${dataset.name}`);
        }
      }
    }
    if (result.success && !fileIssues.some((issue) => issue.severity === 'error')) {
      sources.push(result.data);
    }
  }

  const models: GoldModel[] = [];
  for (const { file, parsed } of goldFiles) {
    issues.push(...parsed.issues);
    if (parsed.value === undefined) {
      continue;
    }
    const result = goldFileSchema.safeParse(parsed.value, { error: metadataErrorMap });
    if (result.success) {
      models.push(...result.data.models);
    } else {
      issues.push(...translateZodIssues(result.error.issues, { file, parsed, schema: goldFileSchema as unknown as SchemaNode }));
    }
  }
  issues.push(...checkGoldRules({ goldFiles: goldFiles.filter((gold) => gold.parsed.value !== undefined), datasets: datasetRefs, unreadableSources, sqlFiles }));

  issues.sort(compareIssues);
  const names = [...sourceFiles.map((source) => source.file), ...goldFiles.map((gold) => gold.file)];
  if (issues.some((issue) => issue.severity === 'error')) {
    return { metadata: undefined, issues, files: names };
  }
  sources.sort((a, b) => byText(a.source, b.source));
  models.sort((a, b) => byText(a.name, b.name));
  const modelSql: Record<string, string> = {};
  for (const model of models) {
    modelSql[model.name] = normaliseModelSql(sqlFiles.get(path.posix.normalize(model.sql)) ?? '');
  }
  const content = { sources, models, modelSql };
  return { metadata: deepFreeze({ ...structuredClone(content), hash: canonicalHash(content) }), issues, files: names };
}
