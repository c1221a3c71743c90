/**
 * A local stand-in for the YNAB API (v1) that keeps, per budget, a server knowledge counter and
 * the knowledge at which each entity last changed: a request without last_knowledge_of_server gets
 * every live entity, a delta request gets what changed since, deleted ones included with deleted: true.
 */
import type { RecordedRequest, Reply } from '#support/httpServer.ts';

type Entity = Record<string, unknown> & { id: string; deleted: boolean };
type Stored = { entity: Entity; changedAt: number };
type Budget = { id: string; name: string; knowledge: number; tables: Record<string, Map<string, Stored>> };

export type FakeYnab = {
  readonly handle: (request: RecordedRequest) => Reply;
  /** Inserts or replaces an entity of a table (accounts, payees, transactions, category_groups) and bumps the knowledge. */
  readonly put: (budgetId: string, table: string, entity: Entity) => void;
  readonly knowledge: (budgetId: string) => number;
};

export const TOKEN = 'ynab-personal-token-8888';

/** A fake YNAB with the given budgets and no entities. */
export function createFakeYnab(budgets: readonly { id: string; name: string }[]): FakeYnab {
  const store = new Map<string, Budget>(budgets.map((budget) => [budget.id, { ...budget, knowledge: 0, tables: { accounts: new Map(), payees: new Map(), transactions: new Map(), category_groups: new Map() } }]));
  const error = (status: number, id: string, name: string, detail: string): Reply => ({ status, body: { error: { id, name, detail } } });
  return {
    put: (budgetId, table, entity) => {
      const budget = store.get(budgetId);
      if (budget === undefined) throw new Error(`no budget ${budgetId}`);
      budget.knowledge += 1;
      budget.tables[table]?.set(entity.id, { entity, changedAt: budget.knowledge });
    },
    knowledge: (budgetId) => store.get(budgetId)?.knowledge ?? -1,
    handle: (request) => {
      if (request.headers.authorization !== `Bearer ${TOKEN}`) return error(401, '401', 'unauthorized', 'Unauthorized');
      if (request.path === '/v1/budgets') {
        return { body: { data: { budgets: [...store.values()].map((b) => ({ id: b.id, name: b.name, last_modified_on: '2026-01-01T00:00:00+00:00', first_month: '2026-01-01', last_month: '2026-02-01' })), default_budget: null } } };
      }
      const match = /^\/v1\/budgets\/([^/]+)\/(accounts|payees|transactions|categories)$/.exec(request.path);
      const budget = match === null ? undefined : store.get(decodeURIComponent(match[1] ?? ''));
      if (match === null || budget === undefined) return error(404, '404.2', 'resource_not_found', 'Resource not found');
      const since = request.query.has('last_knowledge_of_server') ? Number(request.query.get('last_knowledge_of_server')) : undefined;
      const table = match[2] === 'categories' ? 'category_groups' : (match[2] ?? '');
      const rows = [...(budget.tables[table]?.values() ?? [])]
        .filter((row) => (since === undefined ? !row.entity.deleted : row.changedAt > since))
        .map((row) => row.entity);
      return { body: { data: { [table]: rows, server_knowledge: budget.knowledge } } };
    },
  };
}

/** A transaction as YNAB returns it, amount in milliunits. */
export function transaction(id: string, amount: number, extra: Record<string, unknown> = {}): Entity {
  return { id, date: '2026-01-15', amount, memo: null, cleared: 'cleared', approved: true, flag_color: null, account_id: 'acc-1', payee_id: 'payee-1', category_id: 'cat-1', transfer_account_id: null, import_id: null, deleted: false, account_name: 'Checking', payee_name: 'Grocer', category_name: 'Food', subtransactions: [], ...extra };
}
