/**
 * Cross-field rules of one source file, checked on the document as written (not only when the schema
 * passed), so one run of `dp metadata validate` lists every problem of the file at once.
 */
import type { z } from 'zod';

import { isPlatformError } from '#platform/errors.ts';
import { closestName } from './closestName.ts';
import type { ConnectorRegistry } from './connectorSettings.ts';
import { datasetTableName } from './datasetTableName.ts';
import { formatIssuePath, type MetadataIssue, type PathSegment } from './metadataIssue.ts';
import type { ParsedYaml } from './parseMetadataYaml.ts';
import { metadataErrorMap, translateZodIssues } from './translateZodIssues.ts';
import type { SchemaNode } from './schemaWalk.ts';

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asName = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export type SourceRuleInput = {
  readonly file: string;
  /** The file name without `.yml`: the source name it must hold. */
  readonly stem: string;
  readonly parsed: ParsedYaml;
  /** Connector settings schemas; undefined or empty skips connector checks. */
  readonly connectors?: ConnectorRegistry;
};

/** Returns the cross-field issues of a source file: names, keys, deleted flags, duplicates and connector settings. */
export function checkSourceRules(input: SourceRuleInput): MetadataIssue[] {
  const { file, parsed } = input;
  const document = parsed.value;
  const issues: MetadataIssue[] = [];
  const report = (path: readonly PathSegment[], code: string, message: string, fix: string, severity: 'error' | 'warning' = 'error'): void => {
    issues.push({ file, path: formatIssuePath(path), ...(parsed.locate(path) ?? {}), code, severity, message, fix });
  };
  if (!isObject(document)) {
    return issues;
  }

  const source = asName(document.source);
  if (source !== undefined && source !== input.stem) {
    report(['source'], 'metadata.file_name_mismatch', `file \`${file}\` holds source \`${source}\`; a source file is named after its source`, `rename the file to \`${source}.yml\`, or write \`source: ${input.stem}\``);
  }
  if (source === 'gold') {
    report(['source'], 'metadata.reserved_name', '`gold` is reserved for gold models (`gold.<model>`)', 'choose another source name');
  }
  if (source?.includes('__') === true) {
    report(['source'], 'metadata.bad_name', `\`${source}\` contains \`__\`, which separates source and dataset in table names`, 'use a single `_`');
  }

  const seenDatasets = new Map<string, number>();
  asArray(document.datasets).forEach((dataset, index) => {
    if (!isObject(dataset)) {
      return;
    }
    const at = (...rest: PathSegment[]): PathSegment[] => ['datasets', index, ...rest];
    const name = asName(dataset.name);
    if (name !== undefined) {
      const first = seenDatasets.get(name);
      if (first !== undefined) {
        report(at('name'), 'metadata.duplicate_name', `dataset \`${name}\` is declared twice (first at datasets[${first}])`, 'rename or remove one of them');
      } else {
        seenDatasets.set(name, index);
      }
      if (name.includes('__')) {
        report(at('name'), 'metadata.bad_name', `\`${name}\` contains \`__\`, which separates source and dataset in table names`, 'use a single `_`');
      }
      try {
        if (source !== undefined) datasetTableName(source, name);
      } catch (error) {
        if (!isPlatformError(error) || error.code !== 'layers.name_too_long') throw error;
        const { table, length, max } = error.context;
        report(at('name'), 'metadata.name_too_long', `the silver table name \`${String(table)}\` has ${String(length)} characters; Postgres allows ${String(max)}`, 'shorten the source or the dataset name');
      }
    }

    const columns = new Map<string, { index: number; type: unknown }>();
    asArray(dataset.columns).forEach((column, columnIndex) => {
      const columnName = isObject(column) ? asName(column.name) : undefined;
      if (columnName === undefined || !isObject(column)) {
        return;
      }
      const first = columns.get(columnName);
      if (first !== undefined) {
        report(at('columns', columnIndex, 'name'), 'metadata.duplicate_name', `column \`${columnName}\` is declared twice (first at columns[${first.index}])`, 'rename or remove one of them');
      } else {
        columns.set(columnName, { index: columnIndex, type: column.type });
      }
    });
    const declared = [...columns.keys()];

    const keys = new Set<string>();
    asArray(dataset.key).forEach((key, keyIndex) => {
      if (typeof key !== 'string') {
        return;
      }
      if (keys.has(key)) {
        report(at('key', keyIndex), 'metadata.duplicate_name', `key column \`${key}\` is listed twice`, 'list each key column once');
      }
      keys.add(key);
      if (!columns.has(key) && Array.isArray(dataset.columns)) {
        const guess = closestName(key, declared);
        report(at('key', keyIndex), 'metadata.key_not_declared', `key column \`${key}\` is not declared in \`columns\``, guess === undefined ? `declare it under \`columns\` (\`- { name: ${key}, type: text }\`) or remove it from \`key\`` : `did you mean \`${guess}\`? Otherwise declare \`${key}\` under \`columns\``);
      }
    });

    for (const key of keys) {
      const column = columns.get(key);
      const written = column === undefined ? undefined : asArray(dataset.columns)[column.index];
      if (isObject(written) && written.scd !== undefined) {
        report(at('columns', column?.index ?? 0, 'scd'), 'metadata.scd_on_key', `\`${key}\` is a key column; its \`scd\` is ignored (a key identifies the record, it never changes)`, 'remove `scd` from this column', 'warning');
      }
    }

    const retention = isObject(dataset.retention) ? dataset.retention : undefined;
    const compressAfter = retention?.raw_compress_days;
    if (typeof compressAfter === 'number' && typeof retention?.raw_days === 'number' && compressAfter >= retention.raw_days) {
      report(at('retention', 'raw_compress_days'), 'metadata.retention_order', `raw files are deleted after ${retention.raw_days} days, before they would be compressed after ${compressAfter}`, `set \`raw_compress_days\` below ${retention.raw_days}, or remove it`);
    }

    const flag = asName(dataset.deleted_flag);
    if (flag !== undefined && Array.isArray(dataset.columns)) {
      const column = columns.get(flag);
      if (column === undefined) {
        const guess = closestName(flag, declared);
        report(at('deleted_flag'), 'metadata.deleted_flag_not_declared', `deleted flag \`${flag}\` is not declared in \`columns\``, guess === undefined ? `declare it: \`- { name: ${flag}, type: boolean }\`` : `did you mean \`${guess}\`? Otherwise declare \`- { name: ${flag}, type: boolean }\``);
      } else if (column.type !== 'boolean') {
        report(at('deleted_flag'), 'metadata.deleted_flag_not_boolean', `deleted flag \`${flag}\` has type \`${String(column.type)}\`; it must be boolean`, `set \`type: boolean\` on column \`${flag}\` (columns[${column.index}]), or choose a boolean column`);
      }
      if (keys.has(flag)) {
        report(at('deleted_flag'), 'metadata.deleted_flag_is_key', `deleted flag \`${flag}\` is a key column`, 'a key identifies the record and cannot be the flag; choose another column');
      }
    }
  });

  issues.push(...checkConnectorSettings(input, document));
  return issues;
}

/** Checks `config`, `extract` and secret roles against the connector's own schemas, when it registered them. */
function checkConnectorSettings(input: SourceRuleInput, document: Record<string, unknown>): MetadataIssue[] {
  const registry = input.connectors;
  const kind = asName(document.connector);
  if (registry === undefined || Object.keys(registry).length === 0 || kind === undefined) {
    return [];
  }
  const { file, parsed } = input;
  const settings = registry[kind];
  if (settings === undefined) {
    const guess = closestName(kind, Object.keys(registry));
    const position = parsed.locate(['connector']);
    return [{
      file, path: 'connector', ...(position ?? {}), code: 'metadata.unknown_connector', severity: 'error',
      message: `connector \`${kind}\` is not known`,
      fix: `${guess === undefined ? 'use' : `did you mean \`${guess}\`? Known:`} ${Object.keys(registry).join(', ')}`,
    }];
  }
  const issues: MetadataIssue[] = [];
  const check = (schema: z.ZodType, value: unknown, prefix: PathSegment[]): void => {
    const result = schema.safeParse(value ?? {}, { error: metadataErrorMap });
    if (!result.success) {
      issues.push(...translateZodIssues(result.error.issues, { file, parsed, schema: schema as unknown as SchemaNode, prefix }));
    }
  };
  if (settings.config !== undefined) {
    check(settings.config, document.config, ['config']);
  }
  const extract = settings.extract;
  if (extract !== undefined) {
    asArray(document.datasets).forEach((dataset, index) => {
      if (isObject(dataset)) {
        check(extract, dataset.extract, ['datasets', index, 'extract']);
      }
    });
  }
  if (settings.secretRoles !== undefined && isObject(document.secrets)) {
    for (const role of Object.keys(document.secrets)) {
      if (!settings.secretRoles.includes(role)) {
        const guess = closestName(role, settings.secretRoles);
        const position = parsed.locate(['secrets', role], { key: true });
        issues.push({
          file, path: formatIssuePath(['secrets', role]), ...(position ?? {}), code: 'metadata.unknown_secret_role', severity: 'error',
          message: `connector \`${kind}\` reads no secret role \`${role}\``,
          fix: `${guess === undefined ? 'use one of' : `did you mean \`${guess}\`? Roles:`} ${settings.secretRoles.join(', ') || '(none)'}`,
        });
      }
    }
  }
  return issues;
}
