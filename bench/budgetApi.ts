/**
 * A seeded, YNAB-like budget API for the end-to-end benchmark: `GET /budgets/b1/transactions` answers the
 * transactions changed after `last_knowledge_of_server` (every one on a first call), each carrying the
 * `server_knowledge` at which it last changed and a `deleted` flag, in pages of `pageSize` with a cursor
 * (`data.next_cursor`). YNAB itself answers in one page; a budget of a million transactions needs pages.
 * `applyDelta` changes a share of the transactions (amounts, memos, deletions, new ones) at the next
 * knowledge. The state is a few typed arrays, so a million transactions cost a few megabytes: each
 * transaction is generated from its index and version whenever it is served.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type BudgetApi = {
  readonly url: string;
  /** Transactions that exist (deleted ones included). */
  readonly size: () => number;
  /** Changes `share` of the transactions at a new server knowledge: 80 % edited, 10 % deleted, 10 % new. Returns how many records the next delta serves. */
  readonly applyDelta: (share: number) => number;
  /** The transaction at index `i` as the API serves it. */
  readonly transaction: (i: number) => Record<string, unknown>;
  readonly close: () => Promise<void>;
};

const CATEGORIES = ['Groceries', 'Rent', 'Dining out', 'Transport', 'Utilities', 'Health', 'Travel', 'Gifts', 'Savings', 'Fun money'];
const PAYEES = Array.from({ length: 300 }, (_, i) => `Payee ${i}`);
const ACCOUNTS = ['Checking', 'Savings', 'Credit card', 'Cash'];
const CLEARED = ['cleared', 'uncleared', 'reconciled'];

/** A fixed pseudo-random number in [0, 1) per (i, salt), so every run of the benchmark serves the same data. */
const unit = (i: number, salt: number): number => ((Math.imul(i ^ salt, 2_654_435_761) >>> 0) % 1_000_003) / 1_000_003;

export async function startBudgetApi(options: { readonly transactions: number; readonly pageSize?: number; readonly capacity?: number }): Promise<BudgetApi> {
  const pageSize = options.pageSize ?? 5000;
  const capacity = options.capacity ?? Math.ceil(options.transactions * 1.2) + 1000;
  const version = new Uint16Array(capacity);
  const deleted = new Uint8Array(capacity);
  const knowledgeOf = new Uint32Array(capacity).fill(1);
  let count = options.transactions;
  let knowledge = 1;
  /** Indexes changed at each knowledge after the first, in index order. */
  const changes = new Map<number, number[]>();

  const transaction = (i: number): Record<string, unknown> => {
    const v = version[i] as number;
    const day = 1 + Math.floor(unit(i, 7) * 28);
    const month = 1 + (i % 12);
    return {
      id: `tx-${i.toString(36).padStart(6, '0')}`,
      date: `2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      amount: -Math.floor(unit(i, 11 + v) * 250_000),
      memo: v === 0 ? `memo ${i}` : `memo ${i} (edit ${v})`,
      cleared: CLEARED[i % 3],
      approved: i % 17 !== 0,
      flag_color: i % 50 === 0 ? 'red' : null,
      account_id: `acc-${i % 4}`,
      account_name: ACCOUNTS[i % 4],
      payee_id: `payee-${i % 300}`,
      payee_name: PAYEES[i % 300],
      category_id: `cat-${i % 10}`,
      category_name: CATEGORIES[i % 10],
      transfer_account_id: null,
      import_id: `YNAB:${i}:2026`,
      deleted: deleted[i] === 1,
      server_knowledge: knowledgeOf[i],
      subtransactions: [],
    };
  };

  /** The indexes a call after `since` serves, from position `from`; null when past the end. */
  const page = (since: number, from: number): { indexes: number[]; next: number | null } => {
    if (since < 1) {
      const end = Math.min(count, from + pageSize);
      const indexes: number[] = [];
      for (let i = from; i < end; i += 1) if (deleted[i] === 0) indexes.push(i);
      return { indexes, next: end < count ? end : null };
    }
    const changed = [...new Set([...changes].filter(([at]) => at > since).flatMap(([, list]) => list))].sort((a, b) => a - b);
    return { indexes: changed.slice(from, from + pageSize), next: from + pageSize < changed.length ? from + pageSize : null };
  };

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://budget.local');
    if (url.pathname !== '/budgets/b1/transactions') {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { id: '404.2', name: 'resource_not_found' } }));
      return;
    }
    const since = Number(url.searchParams.get('last_knowledge_of_server') ?? '0');
    const from = Number(url.searchParams.get('cursor') ?? '0');
    const { indexes, next } = page(since, from);
    const body = JSON.stringify({ data: { transactions: indexes.map(transaction), server_knowledge: knowledge, next_cursor: next === null ? null : String(next) } });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    size: () => count,
    transaction,
    applyDelta: (share) => {
      knowledge += 1;
      const changed: number[] = [];
      const touch = Math.round(count * share);
      for (let n = 0; n < touch; n += 1) {
        const i = Math.floor(unit(n * 7919 + knowledge, knowledge) * count);
        if (deleted[i] === 1) continue;
        if (n % 10 === 0) deleted[i] = 1;
        else version[i] = (version[i] as number) + 1;
        knowledgeOf[i] = knowledge;
        changed.push(i);
      }
      for (let n = 0; n < Math.round(touch / 10) && count < capacity; n += 1) {
        knowledgeOf[count] = knowledge;
        changed.push(count);
        count += 1;
      }
      const unique = [...new Set(changed)].sort((a, b) => a - b);
      changes.set(knowledge, unique);
      return unique.length;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
