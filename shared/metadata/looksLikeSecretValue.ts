/**
 * Recognises secret values (API tokens, passwords, keys) written where only a secret's *name* belongs.
 * Errs towards names and paths passing: it only has to catch a value pasted into the wrong place.
 */

/** Formats of well-known credentials, recognised anywhere in connector settings. */
const KNOWN_FORMATS: readonly RegExp[] = [
  /^gh[pousr]_[A-Za-z0-9]{20,}/, // GitHub tokens
  /^github_pat_[A-Za-z0-9_]{20,}/,
  /^glpat-[A-Za-z0-9_-]{16,}/, // GitLab
  /^(sk|pk|rk)_(live|test)_[A-Za-z0-9]{10,}/, // Stripe-style keys
  /^sk-[A-Za-z0-9_-]{16,}/,
  /^xox[abprs]-[A-Za-z0-9-]{10,}/, // Slack
  /^AKIA[0-9A-Z]{16}$/, // AWS access key id
  /^eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$/, // JWT
  /^(bearer|basic|token)\s+\S{8,}/i, // an Authorization header value
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, // credentials inside a URL
  /[?&](access_token|api_key|apikey|token|key|password|secret)=[^&\s]{8,}/i, // credentials in a query string
];

/** Shannon entropy in bits per character. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) {
    counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** True when `value` has a known credential format. */
export function hasKnownSecretFormat(value: string): boolean {
  const text = value.trim();
  return KNOWN_FORMATS.some((format) => format.test(text));
}

/**
 * True when `value` looks like a credential rather than a name: a known token format, a long hex string,
 * a long mix of upper case, lower case and digits with high entropy, or base64.
 */
export function looksLikeSecretValue(value: string): boolean {
  const text = value.trim();
  if (hasKnownSecretFormat(text)) {
    return true;
  }
  if (text.length < 16 || /\s/.test(text)) {
    return false;
  }
  const digits = (text.match(/\d/g) ?? []).length;
  if (/^[0-9a-f-]{24,}$/i.test(text) && digits >= text.length / 5 && digits < text.length) {
    return true;
  }
  const mixed = /[a-z]/.test(text) && /[A-Z]/.test(text) && digits > 0;
  if (mixed && entropy(text) >= 3.5) {
    return true;
  }
  return text.length >= 20 && /^[A-Za-z0-9+/]+={0,2}$/.test(text) && /[+/=]/.test(text) && digits > 0;
}
