import { z } from 'zod';

import { ConfigError, ValidationError } from '#platform/errors.ts';
import type { DatasetRef } from '#metadata/schema.ts';
import type { Finish, Page, PageInput, StartInput } from '../connector.ts';
import { joinUrl } from '../rest/restApiConnector.ts';
import { RestConnector } from '../rest/restConnector.ts';
import { authSchema, httpSettingsShape, rateLimitSchema } from '../rest/restSettings.ts';
import { budgetsResponse, readDeltaResponse, YNAB_ENDPOINTS, type YnabEndpoint } from './ynabResponses.ts';

const configSchema = z.strictObject({
  ...httpSettingsShape,
  /** API root. Default: https://api.ynab.com/v1. */
  base_url: z.url().default('https://api.ynab.com/v1'),
  /** One budget to read: an id, `last-used` or `default`. Default: every budget of the account, from GET /budgets. */
  budget_id: z.string().min(1).optional(),
  /** Several budgets to read (ids). Default: every budget of the account. */
  budget_ids: z.array(z.string().min(1)).min(1).optional(),
  /** A personal access token (secret role `token`), or OAuth2 refresh. Default: bearer. */
  auth: authSchema.default({ type: 'bearer' }),
  /** YNAB allows 200 requests per hour per access token. */
  rate_limit: rateLimitSchema.default({ requests: 200, per_seconds: 3600 }),
}).refine((config) => config.budget_id === undefined || config.budget_ids === undefined, { path: ['budget_ids'], message: 'set budget_id or budget_ids, not both' });
export type YnabConfig = z.output<typeof configSchema>;

const extractSchema = z.strictObject({
  /** What to read. Default: the dataset's name (budgets, accounts, categories, payees, transactions). */
  resource: z.enum(YNAB_ENDPOINTS, { message: `must be one of ${YNAB_ENDPOINTS.join(', ')}` }).optional(),
});
export type YnabExtract = z.output<typeof extractSchema>;

const stateSchema = z.strictObject({
  endpoint: z.enum(YNAB_ENDPOINTS),
  /** Budgets of this run, resolved on the first page; null before. */
  budgets: z.array(z.string()).nullable(),
  /** Index of the next budget to read. */
  index: z.number().int().min(0),
  /** Committed server knowledge per budget (sent as last_knowledge_of_server). */
  since: z.record(z.string(), z.number().int()),
  /** Server knowledge reached in this run per budget. */
  reached: z.record(z.string(), z.number().int()),
});
type YnabState = z.output<typeof stateSchema>;

const cursorSchema = z.looseObject({ server_knowledge: z.record(z.string(), z.number().int()) });

/**
 * YNAB: budgets, accounts, categories (category groups flattened), payees and transactions.
 * Delta datasets send the committed `server_knowledge` of each budget as `last_knowledge_of_server`
 * and get only what changed, deleted records included with `deleted: true`; the new knowledge per
 * budget is the dataset's next cursor. Milliunits stay integers. One raw part per budget.
 */
export class YnabConnector extends RestConnector<YnabConfig, YnabExtract, YnabState> {
  readonly kind = 'ynab';
  readonly configSchema = configSchema;
  readonly extractSchema = extractSchema;
  readonly stateSchema = stateSchema;

  /** The endpoint a dataset reads; a ConfigError when the dataset name is not one and `extract.resource` is not set. */
  endpointOf(ref: DatasetRef, extract: YnabExtract): YnabEndpoint {
    const endpoint = extract.resource ?? ref.dataset.name;
    if (!(YNAB_ENDPOINTS as readonly string[]).includes(endpoint)) {
      throw new ConfigError('connector.bad_settings', `dataset \`${ref.source.source}.${ref.dataset.name}\` extract.resource: the dataset name is not a YNAB resource; set extract.resource to one of ${YNAB_ENDPOINTS.join(', ')} in metadata/${ref.source.source}.yml.`, {
        context: { source: ref.source.source, dataset: ref.dataset.name },
      });
    }
    return endpoint as YnabEndpoint;
  }

  override parseSettings(ref: DatasetRef): { config: YnabConfig; extract: YnabExtract } {
    const settings = super.parseSettings(ref);
    this.endpointOf(ref, settings.extract);
    return settings;
  }

  protected start({ ref, extract, cursor }: StartInput<YnabConfig, YnabExtract>): YnabState {
    let since: Record<string, number> = {};
    if (cursor !== undefined && cursor !== null) {
      const parsed = cursorSchema.safeParse(cursor);
      if (!parsed.success) {
        throw new ValidationError('connector.bad_cursor', `dataset ${ref.source.source}.${ref.dataset.name}: the committed cursor is not one the ynab connector wrote; run it with --full to start over.`);
      }
      since = parsed.data.server_knowledge;
    }
    return { endpoint: this.endpointOf(ref, extract), budgets: null, index: 0, since, reached: {} };
  }

  protected async *pages(input: PageInput<YnabConfig, YnabExtract, YnabState>): AsyncGenerator<Page<YnabState>, Finish, void> {
    const { ref, config } = input;
    const label = `dataset ${ref.source.source}.${ref.dataset.name}`;
    const client = this.restClient(input);
    let state = input.state;
    const problem = (origin: string, error: z.ZodError): ValidationError => {
      const issue = error.issues[0];
      const at = issue === undefined ? '' : issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('').replace(/^\./, '');
      return new ValidationError('connector.unexpected_shape', `${label}: GET ${origin} does not have the shape of a YNAB response: ${at} ${issue?.message ?? ''} (${error.issues.length} problem${error.issues.length === 1 ? '' : 's'}); nothing was written for this page.`, {
        context: { url: origin, source: ref.source.source, dataset: ref.dataset.name },
      });
    };

    if (state.budgets === null) {
      let budgets = config.budget_ids ?? (config.budget_id === undefined ? undefined : [config.budget_id]);
      let records: Record<string, unknown>[] = [];
      let origin: string | undefined;
      if (budgets === undefined || state.endpoint === 'budgets') {
        const response = await client.getJson(joinUrl(config.base_url, '/budgets'));
        if (response.status !== 200) throw new ValidationError('connector.unexpected_status', `${label}: GET ${response.origin} answered 304 without a conditional request.`);
        const parsed = budgetsResponse.safeParse(response.json);
        if (!parsed.success) throw problem(response.origin, parsed.error);
        records = parsed.data.data.budgets;
        origin = response.origin;
        budgets ??= records.map((budget) => String(budget.id));
      }
      state = { ...state, budgets: [...budgets] };
      // The budgets dataset is this one page; for the others it resolves which budgets to read.
      yield { records: state.endpoint === 'budgets' ? records : [], ...(origin === undefined ? {} : { origin }), state };
      if (state.endpoint === 'budgets') return { detail: { budgets: records.length } };
    }
    const endpoint = state.endpoint;
    if (endpoint === 'budgets') return {};

    const budgets = state.budgets ?? [];
    while (state.index < budgets.length) {
      const budgetId = budgets[state.index] ?? '';
      const url = joinUrl(config.base_url, `/budgets/${encodeURIComponent(budgetId)}/${endpoint}`);
      const known = state.since[budgetId];
      if (known !== undefined) url.searchParams.set('last_knowledge_of_server', String(known));
      const response = await client.getJson(url);
      if (response.status !== 200) throw new ValidationError('connector.unexpected_status', `${label}: GET ${response.origin} answered 304 without a conditional request.`);
      const read = readDeltaResponse(endpoint, response.json, budgetId);
      if (read instanceof z.ZodError) throw problem(response.origin, read);
      state = { ...state, index: state.index + 1, reached: { ...state.reached, [budgetId]: read.serverKnowledge } };
      yield { records: read.records, origin: response.origin, state };
    }
    return { cursor: { server_knowledge: { ...state.since, ...state.reached } }, detail: { budgets: budgets.length } };
  }
}
