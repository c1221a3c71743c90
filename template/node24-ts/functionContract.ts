/**
 * The handler contract of this template, the same as the upstream node18 template: a function
 * module exports `handler(event, context)`. The handler either returns a value (sent as the
 * response body) or calls `context.succeed` / `context.fail`.
 *
 * Two additions: `event.rawBody` holds the request bytes as received, which webhook signature
 * checks need (a parsed-and-re-serialised body no longer matches the signature); and a handler module
 * may export `rawBodyPaths` (path prefixes, e.g. `['/webhooks/']`) whose bodies the template does not
 * parse at all — `event.body` is then the bytes, and a body that is not what its content type says
 * (a webhook declared JSON that is not) is not refused.
 *
 * The template owns these types; code outside it imports them with `import type` only, which
 * Node erases when it strips the types, so nothing outside the template is needed at run time.
 */

/** Header names are lower case, as Node delivers them. */
export type FunctionHeaders = Readonly<Record<string, string | string[] | undefined>>;

export type FunctionEvent = {
  /**
   * The parsed body: an object or array for JSON (`application/json`, `*+json`), a string for
   * `text/*` or no content type, an object for form posts, a Buffer for anything else, and
   * `undefined` when the request has no body (a cron-connector call, a GET).
   */
  readonly body: unknown;
  /** The body bytes as received (empty when there is none). */
  readonly rawBody: Buffer;
  readonly headers: FunctionHeaders;
  readonly method: string;
  /** Query parameters; a repeated parameter becomes an array. */
  readonly query: Readonly<Record<string, string | string[]>>;
  /** The path after the function name: `/runs/abc` for `/function/orchestrator/runs/abc`. */
  readonly path: string;
};

export type FunctionContext = {
  /** With a code: sets the status and returns the context. Without: returns the current status (default 200). */
  status(code: number): FunctionContext;
  status(): number;
  /** With headers: replaces the response headers and returns the context. Without: returns them. */
  headers(values: Readonly<Record<string, string>>): FunctionContext;
  headers(): Readonly<Record<string, string>>;
  /** Ends the request with `value` as the body (objects and arrays as JSON). */
  succeed(value: unknown): void;
  /** Ends the request as failed: errors map to their status and a JSON error body; 500 unless a status was set. */
  fail(value: unknown): void;
};

/** What `functions/<name>/handler.ts` exports (as `default` or as `handler`). */
export type FunctionHandler = (event: FunctionEvent, context: FunctionContext) => unknown;

/**
 * The JSON body of every failed request: the template's own last-resort replies (a body too
 * large or not parseable, a thrown error, `fail()`), and the error replies a handler builds.
 */
export type FunctionErrorBody = {
  readonly error: {
    /** Stable, dotted, machine-readable: `request.too_large`, `function.failed`, `internal`, … */
    readonly code: string;
    readonly message: string;
    /** Whether the same request may succeed later. */
    readonly retryable: boolean;
    readonly context?: Readonly<Record<string, unknown>>;
  };
};
