/**
 * Shapes of the YNAB API responses the connector reads (https://api.ynab.com/v1). Only the fields
 * the platform relies on are checked; every other field passes through untouched into raw.
 * Money is in milliunits (1000 = one unit of the budget's currency) and must be an integer.
 */
import { z } from 'zod';

const milliunits = z.number().int({ message: 'must be an integer number of milliunits' });

const budget = z.looseObject({ id: z.string().min(1), name: z.string() });
const account = z.looseObject({ id: z.string().min(1), name: z.string(), balance: milliunits, deleted: z.boolean() });
const category = z.looseObject({ id: z.string().min(1), name: z.string(), category_group_id: z.string(), budgeted: milliunits, activity: milliunits, balance: milliunits, deleted: z.boolean() });
const categoryGroup = z.looseObject({ id: z.string().min(1), name: z.string(), deleted: z.boolean(), categories: z.array(category) });
const payee = z.looseObject({ id: z.string().min(1), name: z.string(), deleted: z.boolean() });
const subtransaction = z.looseObject({ id: z.string().min(1), amount: milliunits, deleted: z.boolean() });
const transaction = z.looseObject({ id: z.string().min(1), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a YYYY-MM-DD date' }), amount: milliunits, deleted: z.boolean(), subtransactions: z.array(subtransaction).optional() });

const serverKnowledge = z.number().int().min(0);

export const budgetsResponse = z.object({ data: z.object({ budgets: z.array(budget) }) });
export const accountsResponse = z.object({ data: z.object({ accounts: z.array(account), server_knowledge: serverKnowledge }) });
export const categoriesResponse = z.object({ data: z.object({ category_groups: z.array(categoryGroup), server_knowledge: serverKnowledge }) });
export const payeesResponse = z.object({ data: z.object({ payees: z.array(payee), server_knowledge: serverKnowledge }) });
export const transactionsResponse = z.object({ data: z.object({ transactions: z.array(transaction), server_knowledge: serverKnowledge }) });

/** The datasets the connector can extract, each an endpoint under /budgets/{budget_id}/ (budgets: /budgets itself). */
export const YNAB_ENDPOINTS = ['budgets', 'accounts', 'categories', 'payees', 'transactions'] as const;
export type YnabEndpoint = (typeof YNAB_ENDPOINTS)[number];

/** Reads one budget's response of a delta endpoint into records (with `budget_id`) and the server knowledge reached. */
export function readDeltaResponse(endpoint: Exclude<YnabEndpoint, 'budgets'>, json: unknown, budgetId: string): { records: Record<string, unknown>[]; serverKnowledge: number } | z.ZodError {
  switch (endpoint) {
    case 'accounts': {
      const parsed = accountsResponse.safeParse(json);
      return parsed.success ? { records: parsed.data.data.accounts.map((record) => ({ ...record, budget_id: budgetId })), serverKnowledge: parsed.data.data.server_knowledge } : parsed.error;
    }
    case 'payees': {
      const parsed = payeesResponse.safeParse(json);
      return parsed.success ? { records: parsed.data.data.payees.map((record) => ({ ...record, budget_id: budgetId })), serverKnowledge: parsed.data.data.server_knowledge } : parsed.error;
    }
    case 'transactions': {
      const parsed = transactionsResponse.safeParse(json);
      return parsed.success ? { records: parsed.data.data.transactions.map((record) => ({ ...record, budget_id: budgetId })), serverKnowledge: parsed.data.data.server_knowledge } : parsed.error;
    }
    case 'categories': {
      const parsed = categoriesResponse.safeParse(json);
      if (!parsed.success) return parsed.error;
      // one record per category; the group's name and deleted flag come along (a deleted group hides its categories)
      const records = parsed.data.data.category_groups.flatMap((group) =>
        group.categories.map((record) => ({ ...record, budget_id: budgetId, category_group_name: group.name, category_group_deleted: group.deleted })),
      );
      return { records, serverKnowledge: parsed.data.data.server_knowledge };
    }
  }
}
