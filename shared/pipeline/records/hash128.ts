import { hash } from 'node:crypto';

/**
 * The platform's 128-bit content hash: md5 of the UTF-8 text, as 32 hex digits.
 * md5 is used as a fingerprint, not for security: it is fast in Node, 128 bits make accidental
 * collisions negligible at any size a person's data reaches, and Postgres computes the same value
 * (`md5(text)::uuid`), so a key hash can be reproduced in plain SQL.
 */
export function hash128(text: string): string {
  return hash('md5', text, 'hex');
}

/** Formats 32 hex digits as a uuid (`8-4-4-4-12`), the form stored in bronze and silver. */
export function hexToUuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
