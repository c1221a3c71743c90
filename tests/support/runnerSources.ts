/**
 * Small source files the step-runner tests share: a `files` source for bank transaction exports
 * and a delta `rest` source with an incremental cursor, each in the form `createStepWorld` takes.
 */
import type { MetadataFileText } from '#metadata/validateMetadata.ts';

/** `bank.transactions` from `transactions*.csv` exports; `batchSize` records per raw part (connector default when unset). */
export function bankTransactionsSource(options: { readonly batchSize?: number } = {}): MetadataFileText {
  const batch = options.batchSize === undefined ? '' : `, batch_size: ${options.batchSize}`;
  return {
    path: 'bank.yml',
    text: `
source: bank
connector: files
config: { inbox: bank }
datasets:
  - name: transactions
    load: full
    key: [transaction_id]
    columns:
      - { name: transaction_id, type: text, source: id }
      - { name: amount, type: numeric }
    extract: { format: csv, pattern: 'transactions*.csv'${batch} }
`,
  };
}

/** `feed.items` from `GET <url>/items?since=<updated_at>`, a delta dataset; `columns` adds text columns after `id`. */
export function feedItemsSource(url: string, options: { readonly columns?: readonly string[]; readonly config?: string } = {}): MetadataFileText {
  const extraColumns = (options.columns ?? []).map((name) => `      - { name: ${name}, type: text }\n`).join('');
  return {
    path: 'feed.yml',
    text: `
source: feed
connector: rest
config: { base_url: '${url}'${options.config === undefined ? '' : `, ${options.config}`} }
datasets:
  - name: items
    load: delta
    key: [id]
    columns:
      - { name: id, type: text }
${extraColumns}      - { name: updated_at, type: timestamptz }
    extract: { path: /items, incremental: { param: since, field: updated_at } }
`,
  };
}
