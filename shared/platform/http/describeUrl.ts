import { redact } from '../redact.ts';

/**
 * A URL fit for logs and error messages: user info and the named query parameters (API keys
 * sent in the query) are replaced by `[redacted]`, and any registered secret value is masked.
 */
export function describeUrl(url: string | URL, secretParams: readonly string[] = []): string {
  let parsed: URL;
  try {
    parsed = new URL(url.toString());
  } catch {
    return redact(String(url));
  }
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = '[redacted]';
    parsed.password = '';
  }
  for (const name of secretParams) {
    if (parsed.searchParams.has(name)) parsed.searchParams.set(name, '[redacted]');
  }
  const text = parsed.toString().replaceAll('%5Bredacted%5D', '[redacted]');
  return redact(text);
}
