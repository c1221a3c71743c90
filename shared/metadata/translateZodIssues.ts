/**
 * Turns zod issues into metadata issues: the YAML path as the user writes it, the line, a message
 * naming the offending value, and a concrete fix (closest known key, allowed values, a valid name).
 */
import type { z } from 'zod';

import { closestName } from './closestName.ts';
import { formatIssuePath, type MetadataIssue, type PathSegment } from './metadataIssue.ts';
import type { ParsedYaml } from './parseMetadataYaml.ts';
import { knownKeysAt, valueAt, type SchemaNode } from './schemaWalk.ts';
import { NAME_PATTERN, SECRET_NAME_PATTERN } from './schema.ts';
import { toMetadataName } from './toMetadataName.ts';

/** Usual spellings of column types in other systems, so `int` suggests `integer`. */
const VALUE_SYNONYMS: Readonly<Record<string, string>> = {
  int: 'integer', int4: 'integer', int2: 'integer', smallint: 'integer', long: 'bigint', int8: 'bigint',
  float: 'double precision', float8: 'double precision', float4: 'double precision', double: 'double precision', real: 'double precision',
  decimal: 'numeric', money: 'numeric', number: 'numeric', bool: 'boolean', string: 'text', varchar: 'text', char: 'text',
  'character varying': 'text', timestamp: 'timestamptz', datetime: 'timestamptz', 'timestamp with time zone': 'timestamptz',
  json: 'jsonb', object: 'jsonb', array: 'jsonb',
};

/** Example lines for required keys, shown in the fix. */
const REQUIRED_EXAMPLES: Readonly<Record<string, string>> = {
  source: 'source: bank', connector: 'connector: files', datasets: 'datasets: (a list of datasets)', name: 'name: transactions',
  load: 'load: full (or delta)', key: 'key: [id]', columns: 'columns: (a list of { name, type })', type: 'type: text',
  sql: 'sql: gold/<model>.sql', depends_on: 'depends_on: [bank.transactions]', models: 'models: (a list of gold models)',
};

const EXPECTED: Readonly<Record<string, string>> = {
  object: 'a mapping of `key: value` lines', record: 'a mapping of `key: value` lines', array: 'a list (`- item` lines or `[a, b]`)',
  string: 'text', number: 'a number', int: 'a whole number', boolean: 'true or false',
};

function describeInput(input: unknown): string {
  if (input === null) return 'empty';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') return 'text';
  return `${typeof input === 'number' ? 'the number' : typeof input} ${String(input)}`;
}

/** Messages for zod's generic issues; messages written in the schema take precedence. */
export const metadataErrorMap = (issue: z.core.$ZodRawIssue): string | undefined => {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[String(issue.expected)] ?? String(issue.expected);
      return issue.input === undefined ? 'is required' : `must be ${expected}, not ${describeInput(issue.input)}`;
    }
    case 'too_small':
      if (issue.origin === 'array') return `needs at least ${String(issue.minimum)} item(s)`;
      if (issue.origin === 'string') return 'must not be empty';
      return issue.inclusive === false ? `must be greater than ${String(issue.minimum)}` : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'string' ? `is longer than ${String(issue.maximum)} characters` : `must be at most ${String(issue.maximum)}`;
    case 'invalid_value':
      return `is not allowed; allowed: ${issue.values.map(String).join(', ')}`;
    case 'invalid_union':
      return 'does not match any allowed form';
    default:
      return undefined;
  }
};

export type TranslateOptions = {
  readonly file: string;
  readonly parsed: ParsedYaml;
  /** The schema that was parsed, and where its value sits in the file (`['datasets', 0, 'extract']` for a connector's settings). */
  readonly schema: SchemaNode;
  readonly prefix?: readonly PathSegment[];
  /** Paths (formatted) whose values must never be echoed, such as secret references. */
  readonly isSensitive?: (path: readonly PathSegment[]) => boolean;
};

function isNamePattern(pattern: unknown): boolean {
  return String(pattern) === String(NAME_PATTERN);
}

/** Converts the issues of one `safeParse` into metadata issues, one per problem (one per unknown key). */
export function translateZodIssues(issues: readonly z.core.$ZodIssue[], options: TranslateOptions): MetadataIssue[] {
  const prefix = options.prefix ?? [];
  const root = valueAt(options.parsed.value, prefix);
  const result: MetadataIssue[] = [];
  // Required keys that are only missing because they are misspelt: the unknown-key issue already says so.
  const misspelt = new Set<string>();
  const push = (path: readonly PathSegment[], code: string, message: string, fix: string, key = false): void => {
    const full = [...prefix, ...path];
    const position = options.parsed.locate(full, { key });
    result.push({ file: options.file, path: formatIssuePath(full), ...(position ?? {}), code, severity: 'error', message, fix });
  };

  for (const issue of issues) {
    const path = issue.path.filter((segment): segment is PathSegment => typeof segment !== 'symbol');
    const input = valueAt(root, path);
    const sensitive = options.isSensitive?.([...prefix, ...path]) === true;
    const shown = sensitive ? 'the value' : `\`${String(input)}\``;
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeysAt(options.schema, path);
        for (const key of issue.keys) {
          const guess = closestName(key, known);
          if (guess !== undefined) {
            misspelt.add(formatIssuePath([...prefix, ...path, guess]));
          }
          const list = `known keys here: ${known.join(', ')}`;
          push([...path, key], 'metadata.unknown_key', `unknown key \`${key}\``, guess === undefined ? `remove it; ${list}` : `did you mean \`${guess}\`? (${list})`, true);
        }
        break;
      }
      case 'invalid_value': {
        const key = path.at(-1);
        if (input === undefined && typeof key === 'string') {
          push(path, 'metadata.missing_key', `\`${key}\` is required`, `add \`${REQUIRED_EXAMPLES[key] ?? `${key}: ${issue.values.map(String).join(' | ')}`}\``);
          break;
        }
        const allowed = issue.values.map(String);
        const typed = String(input);
        const synonym = VALUE_SYNONYMS[typed.toLowerCase()];
        const guess = synonym !== undefined && allowed.includes(synonym) ? synonym : closestName(typed, allowed);
        const fix = guess === undefined ? `use one of: ${allowed.join(', ')}` : `use \`${guess}\``;
        push(path, 'metadata.invalid_value', `${shown} ${issue.message}`, fix);
        break;
      }
      case 'invalid_format': {
        if (isNamePattern((issue as { pattern?: unknown }).pattern)) {
          const fix = sensitive || typeof input !== 'string'
            ? 'use lower case letters, digits and _, starting with a letter'
            : `rename it, e.g. \`${toMetadataName(input)}\`, and update every reference to it`;
          push(path, 'metadata.bad_name', `${shown} ${issue.message}`, fix);
        } else if (String((issue as { pattern?: unknown }).pattern) === String(SECRET_NAME_PATTERN)) {
          // Secret fields may hold a pasted value; only a name written the old way (github_token) is echoed back.
          const fix = typeof input === 'string' && NAME_PATTERN.test(input)
            ? `rename the secret \`${input.replace(/_/g, '-')}\` here, in stack.yml and in \`faas-cli secret create\``
            : 'use lower-case letters, digits, - and ., starting and ending with a letter or digit';
          push(path, 'metadata.bad_secret_name', `${shown} ${issue.message}`, fix);
        } else {
          push(path, 'metadata.bad_format', `${shown} ${issue.message}`, 'see docs/metadata.md for the expected form');
        }
        break;
      }
      case 'invalid_key': {
        const inner = issue.issues[0];
        const key = path.at(-1);
        const fix = typeof key === 'string' && inner?.code === 'invalid_format' && isNamePattern((inner as { pattern?: unknown }).pattern)
          ? `rename the key, e.g. \`${toMetadataName(key)}\``
          : 'rename the key';
        push(path, 'metadata.bad_name', `key \`${String(key)}\` ${inner?.message ?? 'is not allowed'}`, fix, true);
        break;
      }
      case 'invalid_type': {
        const key = path.at(-1);
        if (input === undefined && typeof key === 'string') {
          push(path, 'metadata.missing_key', `\`${key}\` is required`, `add \`${REQUIRED_EXAMPLES[key] ?? `${key}: …`}\``);
        } else if (input === undefined || input === null) {
          push(path, 'metadata.invalid_type', path.length === 0 && prefix.length === 0 ? 'the file is empty' : issue.message, 'give it a value; see docs/metadata.md for the expected form');
        } else {
          push(path, 'metadata.invalid_type', issue.message, `write it as ${EXPECTED[String(issue.expected)] ?? String(issue.expected)}`);
        }
        break;
      }
      case 'too_small':
        push(path, 'metadata.too_small', issue.message, issue.origin === 'array' ? 'add the missing item(s)' : 'give it a value');
        break;
      case 'too_big':
        push(path, 'metadata.too_big', issue.message, issue.origin === 'string' ? 'shorten it' : 'use a smaller value');
        break;
      default: {
        const fix = (issue as { params?: { fix?: unknown } }).params?.fix;
        push(path, 'metadata.invalid', issue.message, typeof fix === 'string' ? fix : 'see docs/metadata.md for the expected form');
      }
    }
  }
  return result.filter((issue) => !(issue.code === 'metadata.missing_key' && misspelt.has(issue.path)));
}
