/** One run of one dataset, as the cursor and import-ledger functions need it. */
export type DatasetRunRef = {
  readonly runId: string;
  readonly source: string;
  readonly dataset: string;
};

/** A JSON value: what a cursor or checkpoint may hold (it is stored as jsonb and sent as superjson). */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
