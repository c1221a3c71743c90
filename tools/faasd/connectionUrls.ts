/**
 * Connection URLs built from their parts, with the user and password percent-encoded: a password may hold
 * `/`, `+`, `=`, `@` or `:` (a base64 one often does), which a URL must not carry raw — Node's URL parser
 * and pg read `/` as the start of the path, the mongodb driver refuses "unescaped characters".
 */
export type ConnectionParts = {
  readonly user: string;
  readonly password: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
};

function authority(parts: ConnectionParts): string {
  return `${encodeURIComponent(parts.user)}:${encodeURIComponent(parts.password)}@${parts.host}:${parts.port}`;
}

/** `postgres://user:password@host:port/database`. */
export function postgresUrl(parts: ConnectionParts): string {
  return `postgres://${authority(parts)}/${encodeURIComponent(parts.database)}`;
}

/** `mongodb://user:password@host:port/database?authMechanism=PLAIN`: FerretDB 1.x on Postgres takes PLAIN auth and passes the login on to Postgres. */
export function ferretdbUrl(parts: ConnectionParts): string {
  return `mongodb://${authority(parts)}/${encodeURIComponent(parts.database)}?authMechanism=PLAIN`;
}
