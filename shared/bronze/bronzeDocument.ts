/**
 * The bronze document: the record as received plus the platform's audit fields.
 *
 * A record's own fields that collide with an audit field (a source that sends `_id`, say) are kept
 * under `_shadowed`; a record that is not an object is kept under `_value`. Field names that the
 * MongoDB-wire store refuses (containing `.`, starting with `$`) are stored with the full-width
 * characters `．` and `＄` instead. `toReceivedRecord` undoes all three, so silver reads exactly what the
 * source sent.
 */
import { z } from 'zod';

export const BRONZE_FIELDS = ['_id', '_run_id', '_loaded_at', '_raw_file', '_raw_part', '_raw_index', '_key_hash', '_record_hash', '_shadowed', '_value'] as const;

const RESERVED = new Set<string>(BRONZE_FIELDS);

/** The audit fields every bronze document has; the record's own fields sit beside them. */
export const bronzeAuditSchema = z.looseObject({
  /** `<raw file key>#<index>`: reloading the same file inserts nothing. */
  _id: z.string(),
  _run_id: z.string(),
  _loaded_at: z.date(),
  /** Raw store key of the part file the record came from. */
  _raw_file: z.string(),
  _raw_part: z.number().int().nonnegative(),
  /** Position of the record in its part file, from 0. */
  _raw_index: z.number().int().nonnegative(),
  /** 128-bit hash of the business key as a uuid; null when the record has no usable key. */
  _key_hash: z.string().nullable(),
  /** 128-bit hash of the whole record (keys sorted) as a uuid. */
  _record_hash: z.string(),
  _shadowed: z.record(z.string(), z.unknown()).optional(),
  _value: z.unknown().optional(),
});
export type BronzeDocument = z.output<typeof bronzeAuditSchema>;

const DOT = '\uFF0E';
const DOLLAR = '\uFF04';

function escapeKey(key: string): string {
  const dotless = key.includes('.') ? key.replaceAll('.', DOT) : key;
  return dotless.startsWith('$') ? DOLLAR + dotless.slice(1) : dotless;
}

function unescapeKey(key: string): string {
  const dotted = key.includes(DOT) ? key.replaceAll(DOT, '.') : key;
  return dotted.startsWith(DOLLAR) ? '$' + dotted.slice(1) : dotted;
}

/** Rewrites keys at every level with `rename`; objects without such keys are returned as they are. */
function mapKeys(value: unknown, rename: (key: string) => string, needs: (key: string) => boolean): unknown {
  if (Array.isArray(value)) {
    let changed = false;
    const mapped = value.map((item) => {
      const next = mapKeys(item, rename, needs);
      changed ||= next !== item;
      return next;
    });
    return changed ? mapped : value;
  }
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  let changed = false;
  const entries = Object.entries(value).map(([key, member]) => {
    const next = mapKeys(member, rename, needs);
    const name = needs(key) ? rename(key) : key;
    changed ||= next !== member || name !== key;
    return [name, next] as const;
  });
  return changed ? Object.fromEntries(entries) : value;
}

const needsEscape = (key: string): boolean => key.includes('.') || key.startsWith('$');
const needsUnescape = (key: string): boolean => key.includes(DOT) || key.startsWith(DOLLAR);

export type BronzeAudit = {
  readonly runId: string;
  readonly loadedAt: Date;
  readonly rawFile: string;
  readonly rawPart: number;
  readonly rawIndex: number;
  readonly keyHash: string | null;
  readonly recordHash: string;
};

/** Builds the bronze document of one received record. */
export function toBronzeDocument(record: unknown, audit: BronzeAudit): BronzeDocument {
  // Object.fromEntries defines own properties, so a received `__proto__` field stays data.
  let fields: Record<string, unknown>;
  if (record !== null && typeof record === 'object' && !Array.isArray(record)) {
    const entries = Object.entries(mapKeys(record, escapeKey, needsEscape) as Record<string, unknown>);
    const shadowed = entries.filter(([key]) => RESERVED.has(key));
    fields = Object.fromEntries(entries.filter(([key]) => !RESERVED.has(key)));
    if (shadowed.length > 0) fields._shadowed = Object.fromEntries(shadowed);
  } else {
    fields = { _value: mapKeys(record, escapeKey, needsEscape) };
  }
  return {
    ...fields,
    _id: `${audit.rawFile}#${audit.rawIndex}`,
    _run_id: audit.runId,
    _loaded_at: audit.loadedAt,
    _raw_file: audit.rawFile,
    _raw_part: audit.rawPart,
    _raw_index: audit.rawIndex,
    _key_hash: audit.keyHash,
    _record_hash: audit.recordHash,
  };
}

/** The record exactly as the source sent it, from its bronze document. */
export function toReceivedRecord(document: Readonly<Record<string, unknown>>): unknown {
  if (Object.hasOwn(document, '_value')) return mapKeys(document._value, unescapeKey, needsUnescape);
  const shadowed = document._shadowed;
  const entries = [...Object.entries(document).filter(([key]) => !RESERVED.has(key)), ...(shadowed !== null && typeof shadowed === 'object' ? Object.entries(shadowed) : [])];
  return mapKeys(Object.fromEntries(entries), unescapeKey, needsUnescape);
}
