/** What to do about a stored error, by its code: the message says what happened; this says where to look next. */
const HINTS: readonly (readonly [RegExp, string])[] = [
  [/^step\.timeout$/, 'The function did not answer within its exec_timeout: lower DP_STEP_BUDGET_MS so the step checkpoints sooner, and read its log lines below.'],
  [/^step\.unreachable$|^dispatch\./, 'The gateway could not reach the function: check that it is deployed and running (faas-cli list, faas-cli describe <function>).'],
  [/^step\.deadline$/, 'The step passed its time budget without a checkpoint; its log lines below show where the time went.'],
  [/^secret\./, 'Create the secret (faas-cli secret create <name>, or DP_SECRET_<NAME> locally) and list it under the function\'s secrets in stack.yml.'],
  [/^metadata\.|^layers\.|^schedule\./, 'Fix the metadata file it names, check it with `dp metadata validate`, write it with `dp metadata sync`, then run the dataset again.'],
  [/^db\.|^mongo\./, 'A database did not answer as expected: check that it is up and that DATABASE_URL / MONGODB_URL point at it; the step is retried while the error is temporary.'],
  [/^connector\.unauthorized|^connector\.oauth/, 'The source refused the credentials: renew the token in the secret store, then run the source again.'],
  [/^connector\.|^http\./, 'The source\'s API answered something unexpected: its log lines below show the request; run the source again once the API behaves.'],
  [/^files\./, 'Fix or replace the export file it names in the inbox, then run the source again.'],
  [/^gold\./, 'Fix the model\'s SQL (metadata/gold/), sync the metadata, and the next change upstream rebuilds it — or run it now.'],
  [/^silver\./, 'The merge refused the batch; the message names the column or run. Fix the metadata or the data and run the dataset again.'],
];

/** A hint for a failed run or step: what to do next, after the message itself (which names the place). */
export function describeErrorHint(code: string, retryable: boolean): string {
  const found = HINTS.find(([pattern]) => pattern.test(code))?.[1];
  const retry = retryable ? 'The orchestrator retries this step with backoff until DP_MAX_ATTEMPTS attempts have failed. ' : '';
  return `${retry}${found ?? 'The message says what to fix; then start the dataset again with `dp run <source>.<dataset>`.'}`;
}
