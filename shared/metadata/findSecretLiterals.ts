/**
 * Finds secret values written into a source file. Metadata only ever names secrets (`secrets: { token:
 * ynab-token }`); a value pasted into `secrets`, `webhook_secret`, `config` or `extract` would end up in
 * git, in the catalog and in run records. The value itself is never repeated in the report.
 */
import { formatIssuePath, type MetadataIssue, type PathSegment } from './metadataIssue.ts';
import type { ParsedYaml } from './parseMetadataYaml.ts';
import { hasKnownSecretFormat, looksLikeSecretValue } from './looksLikeSecretValue.ts';

/** Keys whose value is a credential by their very name. */
const SECRET_KEYS = /^(token|secret|password|passwd|pwd|passphrase|api_key|apikey|api_token|access_token|refresh_token|auth_token|bearer_token|client_secret|private_key|secret_key|access_key|credentials)$/;
/** Keys that usually hold a credential, but may also name a field (`next_token: meta.next`). */
const SECRET_SUFFIXES = /_(token|secret|password|passwd|api_key|apikey|private_key|secret_key)$/;

const normaliseKey = (key: string): string => key.toLowerCase().replace(/-/g, '_');
const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

type Found = { readonly path: readonly PathSegment[]; readonly message: string; readonly fix: string };

function roleFor(path: readonly PathSegment[]): string {
  const key = path.findLast((segment): segment is string => typeof segment === 'string');
  return key === undefined ? 'token' : normaliseKey(key);
}

function scanSettings(value: unknown, path: readonly PathSegment[], found: Found[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => scanSettings(item, [...path, index], found));
    return;
  }
  if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      scanSettings(item, [...path, key], found);
    }
    return;
  }
  if (typeof value !== 'string' && typeof value !== 'number') {
    return;
  }
  const text = String(value);
  const key = path.at(-1);
  const secretKey = typeof key === 'string' && SECRET_KEYS.test(normaliseKey(key));
  const secretSuffix = typeof key === 'string' && SECRET_SUFFIXES.test(normaliseKey(key));
  const fix = `store the value in the secret store and reference it by name under \`secrets:\` (e.g. \`secrets: { ${roleFor(path)}: <secret name> }\`)`;
  if (hasKnownSecretFormat(text) || ((secretSuffix || secretKey) && looksLikeSecretValue(text))) {
    found.push({ path, message: 'looks like a secret value written into the metadata; metadata may only name secrets', fix });
  } else if (secretKey && text !== '') {
    found.push({
      path,
      message: `\`${String(key)}\` in connector settings holds a literal; secrets (and references to them) belong under \`secrets:\` only`,
      fix: `remove it here and ${fix.replace('store', 'keep')}`,
    });
  } else if (secretSuffix && !/^[A-Za-z0-9_.[\]-]+$/.test(text)) {
    found.push({ path, message: 'looks like a secret value written into the metadata; metadata may only name secrets', fix });
  }
}

/** Reports every secret value in a parsed (possibly invalid) source document, with its path and line. */
export function findSecretLiterals(file: string, parsed: ParsedYaml): MetadataIssue[] {
  const document = parsed.value;
  if (!isObject(document)) {
    return [];
  }
  const found: Found[] = [];
  const referenceFix = 'put the value in the secret store (OpenFaaS secret, Infisical or env) and write the secret\'s name here, e.g. `ynab-token`';
  if (isObject(document.secrets)) {
    for (const [role, name] of Object.entries(document.secrets)) {
      if (typeof name === 'string' && looksLikeSecretValue(name)) {
        found.push({ path: ['secrets', role], message: 'looks like a secret value, but `secrets` maps roles to secret names', fix: referenceFix });
      }
    }
  }
  if (typeof document.webhook_secret === 'string' && looksLikeSecretValue(document.webhook_secret)) {
    found.push({ path: ['webhook_secret'], message: 'looks like a secret value, but `webhook_secret` names the secret holding the key', fix: referenceFix });
  }
  scanSettings(document.config, ['config'], found);
  if (Array.isArray(document.datasets)) {
    document.datasets.forEach((dataset: unknown, index) => {
      if (isObject(dataset)) {
        scanSettings(dataset.extract, ['datasets', index, 'extract'], found);
      }
    });
  }
  return found.map(({ path, message, fix }) => ({
    file,
    path: formatIssuePath(path),
    ...(parsed.locate(path) ?? {}),
    code: 'metadata.secret_literal',
    severity: 'error' as const,
    message,
    fix,
  }));
}
