import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** True when an Authorization header carries exactly these basic-auth credentials (compared in constant time). */
export function checkBasicAuth(header: string | undefined, user: string, password: string): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (match === null) {
    return false;
  }
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) {
    return false;
  }
  const userOk = timingSafeEqual(digest(decoded.slice(0, separator)), digest(user));
  const passwordOk = timingSafeEqual(digest(decoded.slice(separator + 1)), digest(password));
  return userOk && passwordOk;
}
