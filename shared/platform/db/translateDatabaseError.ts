import {
  BackendTerminatedError,
  CheckIntegrityConstraintViolationError,
  ConnectionError,
  ForeignKeyIntegrityConstraintViolationError,
  IdleTransactionTimeoutError,
  InputSyntaxError,
  NotFoundError as SlonikNotFoundError,
  NotNullIntegrityConstraintViolationError,
  SchemaValidationError,
  SlonikError,
  StatementCancelledError,
  StatementTimeoutError,
  UniqueIntegrityConstraintViolationError,
  DataIntegrityError,
} from 'slonik';

import { PlatformError, type ErrorContext } from '../errors.ts';

/** An error raised by Postgres or by the query layer, with the SQLSTATE when Postgres gave one. */
export class DatabaseError extends PlatformError {
  constructor(code: string, message: string, options: { cause: unknown; retryable: boolean; context: ErrorContext; status?: number }) {
    super(code, message, options);
  }
}

/** SQLSTATE classes after which a new attempt can succeed: serialization failures, deadlocks, lock timeouts, lost connections, shutdowns, too many connections. */
const RETRYABLE_SQLSTATE = /^(40001|40P01|55P03|08...|57P0[1-3]|53300)$/;

function sqlStateOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
      return code;
    }
    current = current.cause;
  }
  return undefined;
}

function driverDetail(error: unknown): { constraint?: string; table?: string; column?: string; detail?: string } {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const candidate = current as { constraint?: unknown; table?: unknown; column?: unknown; schema?: unknown };
    if (typeof candidate.constraint === 'string' || typeof candidate.table === 'string') {
      return {
        constraint: typeof candidate.constraint === 'string' ? candidate.constraint : undefined,
        table: typeof candidate.table === 'string' ? candidate.table : undefined,
        column: typeof candidate.column === 'string' ? candidate.column : undefined,
      };
    }
    current = current.cause;
  }
  return {};
}

/**
 * Translates an error from slonik or pg into a DatabaseError with a stable code.
 * This is the only place that inspects driver errors; everything else branches on `code`.
 * Bound values never enter the message or context, since they may hold personal data.
 */
export function translateDatabaseError(error: unknown): PlatformError {
  if (error instanceof PlatformError) {
    return error;
  }
  const sqlState = sqlStateOf(error);
  const where = driverDetail(error);
  const context: ErrorContext = { sqlState, ...where };
  const original = error instanceof Error ? error.message : String(error);
  const make = (code: string, message: string, retryable: boolean) => new DatabaseError(code, message, { cause: error, retryable, context });

  if (error instanceof SchemaValidationError) {
    const issues = error.issues.map((issue) => `${(issue.path ?? []).map((p) => (typeof p === 'object' ? String(p.key) : String(p))).join('.') || '(row)'}: ${issue.message}`);
    return new DatabaseError('db.result_invalid', `A query returned a row that does not match its declared schema: ${issues.join('; ')}. Fix the query or its sql.type() schema.`, { cause: error, retryable: false, context: { ...context, issues } });
  }
  if (error instanceof UniqueIntegrityConstraintViolationError) {
    return make('db.unique_violation', `A row violates unique constraint ${where.constraint ?? '(unknown)'}${where.table ? ` on ${where.table}` : ''}.`, false);
  }
  if (error instanceof ForeignKeyIntegrityConstraintViolationError) {
    return make('db.foreign_key_violation', `A row violates foreign key ${where.constraint ?? '(unknown)'}${where.table ? ` on ${where.table}` : ''}.`, false);
  }
  if (error instanceof NotNullIntegrityConstraintViolationError) {
    return make('db.not_null_violation', `Column ${where.column ?? '(unknown)'}${where.table ? ` of ${where.table}` : ''} may not be null.`, false);
  }
  if (error instanceof CheckIntegrityConstraintViolationError) {
    return make('db.check_violation', `A row violates check constraint ${where.constraint ?? '(unknown)'}.`, false);
  }
  if (error instanceof SlonikNotFoundError) {
    return make('db.no_rows', 'A query that expects a row returned none.', false);
  }
  if (error instanceof DataIntegrityError) {
    return make('db.unexpected_row_count', 'A query returned a different number of rows than it expects.', false);
  }
  if (error instanceof StatementTimeoutError || error instanceof StatementCancelledError) {
    return make('db.statement_timeout', 'A statement ran past its time limit and was cancelled.', true);
  }
  if (error instanceof ConnectionError || error instanceof BackendTerminatedError || error instanceof IdleTransactionTimeoutError) {
    return make('db.connection', `The connection to Postgres failed: ${original}. Check that the server is running and DATABASE_URL points at it.`, true);
  }
  if (error instanceof InputSyntaxError) {
    return make('db.syntax', `Postgres rejected the statement: ${original}.`, false);
  }
  if (sqlState !== undefined) {
    return make(`db.sqlstate_${sqlState.toLowerCase()}`, `Postgres reported ${sqlState}: ${original}.`, RETRYABLE_SQLSTATE.test(sqlState));
  }
  const networkCode = (error as { code?: unknown }).code;
  if (typeof networkCode === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EPIPE)$/.test(networkCode)) {
    return make('db.connection', `Postgres is not reachable (${networkCode}). Check that the server is running and DATABASE_URL points at it.`, true);
  }
  if (error instanceof SlonikError) {
    return make('db.error', original, false);
  }
  return make('db.error', original, false);
}
