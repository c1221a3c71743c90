/** The platform's SQL tag: slonik's `sql`, re-exported so every module imports it from one place. */
export { sql } from 'slonik';
export type { DatabasePool, DatabaseTransactionConnection, CommonQueryMethods } from 'slonik';
