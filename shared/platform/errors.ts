/**
 * The platform's single error hierarchy.
 *
 * Every error carries a stable `code` (callers branch on it, never on the message),
 * a `retryable` flag (does trying again help?), structured `context` and an optional
 * `cause`. Messages say what happened, where, and how to fix it.
 */

export type ErrorContext = Readonly<Record<string, unknown>>;

export type PlatformErrorOptions = {
  readonly cause?: unknown;
  readonly context?: ErrorContext;
};

/** Base class of every error the platform raises on purpose. */
export class PlatformError extends Error {
  /** Stable, dotted identifier such as `config.invalid` or `db.unique_violation`. */
  readonly code: string;
  /** Whether the same operation may succeed when tried again later. */
  readonly retryable: boolean;
  /** HTTP status a function answers with when this error ends a request. */
  readonly status: number;
  readonly context: ErrorContext;

  constructor(
    code: string,
    message: string,
    options: PlatformErrorOptions & { readonly retryable?: boolean; readonly status?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.status = options.status ?? 500;
    this.context = options.context ?? {};
  }

  /** A JSON-safe view for logs, run records and HTTP bodies: no stack, no cause internals. */
  toJSON(): { code: string; message: string; retryable: boolean; context: ErrorContext } {
    return { code: this.code, message: this.message, retryable: this.retryable, context: this.context };
  }
}

/** Input that does not satisfy a schema: an HTTP body, a metadata file, an API response. Retrying the same input fails again. */
export class ValidationError extends PlatformError {
  constructor(code: string, message: string, options: PlatformErrorOptions = {}) {
    super(code, message, { ...options, retryable: false, status: 400 });
  }
}

/** Configuration (environment, stack, metadata wiring) that prevents the platform from starting. */
export class ConfigError extends PlatformError {
  constructor(code: string, message: string, options: PlatformErrorOptions = {}) {
    super(code, message, { ...options, retryable: false, status: 500 });
  }
}

/** Something asked for does not exist: a source, a dataset, a run, a secret. */
export class NotFoundError extends PlatformError {
  constructor(code: string, message: string, options: PlatformErrorOptions = {}) {
    super(code, message, { ...options, retryable: false, status: 404 });
  }
}

/** The request conflicts with current state (an active run, an edited migration). */
export class ConflictError extends PlatformError {
  constructor(code: string, message: string, options: PlatformErrorOptions = {}) {
    super(code, message, { ...options, retryable: false, status: 409 });
  }
}

/** The caller is not allowed: missing or bad credentials, a bad webhook signature. */
export class UnauthorizedError extends PlatformError {
  constructor(code: string, message: string, options: PlatformErrorOptions = {}) {
    super(code, message, { ...options, retryable: false, status: 401 });
  }
}

/** A temporary failure of a dependency (network, database connection, rate limit); trying later helps. */
export class TransientError extends PlatformError {
  /** Milliseconds the dependency asked us to wait before the next try, when it said so. */
  readonly retryAfterMs: number | undefined;

  constructor(code: string, message: string, options: PlatformErrorOptions & { readonly retryAfterMs?: number } = {}) {
    super(code, message, { ...options, retryable: true, status: 503 });
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** True for errors raised by the platform on purpose (as opposed to bugs and foreign errors). */
export function isPlatformError(error: unknown): error is PlatformError {
  return error instanceof PlatformError;
}

/** Wraps anything thrown into a PlatformError without losing it: platform errors pass through unchanged. */
export function toPlatformError(error: unknown, code = 'internal'): PlatformError {
  if (error instanceof PlatformError) {
    return error;
  }
  return new PlatformError(code, 'An unexpected error occurred; see the log line with the same run id for details.', {
    cause: error,
  });
}
