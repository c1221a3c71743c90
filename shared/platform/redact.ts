/**
 * Secret redaction. Every secret value the platform reads is registered here, and every
 * line the logger writes (and every error body a function returns) passes through `redact`,
 * so a value can only leak if it was never read through the secret store.
 */

const MASK = '[redacted]';
/** Values shorter than this are too likely to occur by accident in ordinary text to mask. */
const MIN_LENGTH = 4;

const secretValues = new Set<string>();

/** Registers a secret value so that it is masked wherever it appears in output. */
export function registerSecretValue(value: string): void {
  if (value.length >= MIN_LENGTH) {
    secretValues.add(value);
  }
}

/**
 * Masks every secret in `text`, then shortens it to at most `limit` characters (plus `…` when cut).
 * Masking first is what makes the cut safe: cut first, a secret straddling the cut would survive as a
 * prefix that no longer matches the whole value. Every place that shortens text for a message, a run
 * record or a log line uses this.
 */
export function redactAndCut(text: string, limit: number): string {
  const masked = redact(text);
  return masked.length > limit ? `${masked.slice(0, limit)}…` : masked;
}

/** Masks every registered secret value in `text`. */
export function redact(text: string): string {
  let result = text;
  for (const value of secretValues) {
    if (result.includes(value)) {
      result = result.split(value).join(MASK);
    }
  }
  return result;
}
