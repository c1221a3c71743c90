/** A parsed body, or why the bytes do not match their declared content type. */
export type ParsedEventBody = { readonly ok: true; readonly body: unknown } | { readonly ok: false; readonly message: string };

/**
 * Parses a request body the way the node18 template's body parsers do: JSON for
 * `application/json` and `*+json`, a string for `text/*` and for no content type, an object for
 * form posts, the bytes for anything else. An empty body is `undefined`.
 */
export function parseEventBody(raw: Buffer, contentType: string | undefined): ParsedEventBody {
  if (raw.length === 0) {
    return { ok: true, body: undefined };
  }
  const type = (contentType ?? 'text/plain').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return { ok: true, body: JSON.parse(raw.toString('utf8')) };
    } catch {
      return { ok: false, message: `The request body is declared ${type} but is not valid JSON; fix the body or send it as text/plain.` };
    }
  }
  if (type.startsWith('text/')) {
    return { ok: true, body: raw.toString('utf8') };
  }
  if (type === 'application/x-www-form-urlencoded') {
    const form: Record<string, string | string[]> = {};
    for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) {
      const seen = form[key];
      form[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
    }
    return { ok: true, body: form };
  }
  return { ok: true, body: raw };
}
