import { createHmac, timingSafeEqual } from 'node:crypto';

import { UnauthorizedError } from '#platform/errors.ts';

/** Header carrying the signature: `sha256=<hex HMAC-SHA256 of the raw body>` (the scheme GitHub uses). */
export const SIGNATURE_HEADER = 'x-hub-signature-256';

/** Computes the signature header value for `body` with `secret`. */
export function signWebhookBody(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Throws UnauthorizedError unless `signature` is the HMAC-SHA256 of the exact raw `body` under `secret`.
 * The comparison takes the same time whatever the mismatch, so the signature cannot be guessed byte by byte.
 */
export function verifyWebhookSignature(body: string | Buffer, signature: string | undefined, secret: string, source: string): void {
  if (signature === undefined || signature === '') {
    throw new UnauthorizedError('webhook.unsigned', `Webhook for source ${source} has no ${SIGNATURE_HEADER} header; sign the raw body with HMAC-SHA256 and send sha256=<hex>.`);
  }
  const expected = Buffer.from(signWebhookBody(body, secret));
  const given = Buffer.from(signature.trim());
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new UnauthorizedError('webhook.bad_signature', `Webhook for source ${source} has a signature that does not match its body; check the shared secret.`);
  }
}
