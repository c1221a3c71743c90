import { z } from 'zod';

import { ValidationError } from '#platform/errors.ts';
import { readSourcePath } from '#pipeline/records/readSourcePath.ts';
import type { Finish, Page, PageInput, StartInput } from '../connector.ts';
import { firstPosition, nextPosition, pageUrl, paginatorSchema, positionSchema } from './paginator.ts';
import { RestConnector } from './restConnector.ts';
import { httpSettingsShape } from './restSettings.ts';

const scalar = z.union([z.string(), z.number()]);

const configSchema = z.strictObject({
  /** API root, e.g. https://api.github.com; dataset paths are relative to it. */
  base_url: z.url({ message: 'must be an absolute http(s) URL such as https://api.github.com' }),
  ...httpSettingsShape,
});
export type RestApiConfig = z.output<typeof configSchema>;

const extractSchema = z
  .strictObject({
    /** Path under base_url, e.g. /user/starred. */
    path: z.string().default(''),
    /** Fixed query parameters. */
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    /** Extra headers for this dataset (never secrets). */
    headers: z.record(z.string(), z.string()).default({}),
    /** Dotted path of the records array in the body; empty: the body is the array. */
    records_path: z.string().default(''),
    paginator: paginatorSchema.default({ type: 'none' }),
    /** Incremental extraction: send the cursor as `param`, and remember the largest `field` seen as the next cursor. */
    incremental: z
      .strictObject({
        param: z.string().min(1),
        /** Dotted path of the value in each record, e.g. updated_at. */
        field: z.string().min(1),
        /** Value sent on the first run; default: the parameter is not sent. */
        initial: scalar.optional(),
      })
      .optional(),
    /** Send If-None-Match with the ETag of the previous run; a 304 means nothing changed. Only for datasets without pagination. */
    etag: z.boolean().default(false),
  })
  .superRefine((value, context) => {
    if (value.etag && value.paginator.type !== 'none') {
      context.addIssue({ code: 'custom', path: ['etag'], message: 'works only with paginator type none: one unchanged page says nothing about the others' });
    }
  });
export type RestApiExtract = z.output<typeof extractSchema>;

const stateSchema = z.strictObject({
  /** Next page to fetch; null when the last page has been received. */
  position: positionSchema.nullable(),
  /** Incremental value sent for the whole run (from the committed cursor). */
  since: scalar.nullable(),
  /** Largest incremental field value seen so far. */
  max: scalar.nullable(),
  etag: z.string().nullable(),
});
type RestApiState = z.output<typeof stateSchema>;

const cursorSchema = z.looseObject({ value: scalar.nullable().optional(), etag: z.string().nullable().optional() });

/** Orders incremental values: numbers numerically, ISO timestamps by time, other strings by text. */
export function compareCursorValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [ta, tb] = [Date.parse(String(a)), Date.parse(String(b))];
  if (typeof a === 'string' && typeof b === 'string' && !Number.isNaN(ta) && !Number.isNaN(tb)) return ta - tb;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Joins base_url and a dataset path, keeping the base URL's own path (https://api.ynab.com/v1 + /budgets). */
export function joinUrl(baseUrl: string, path: string): URL {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return new URL(path.replace(/^\/+/, ''), base);
}

/**
 * The declarative `rest` connector: an HTTP JSON API described by metadata alone (base URL,
 * path, params, records path, paginator, incremental cursor, auth). See docs/connectors.md.
 */
export class RestApiConnector extends RestConnector<RestApiConfig, RestApiExtract, RestApiState> {
  readonly kind = 'rest';
  readonly configSchema = configSchema;
  readonly extractSchema = extractSchema;
  readonly stateSchema = stateSchema;

  protected start({ ref, extract, cursor }: StartInput<RestApiConfig, RestApiExtract>): RestApiState {
    const parsed = cursor === undefined || cursor === null ? undefined : cursorSchema.safeParse(cursor);
    if (parsed !== undefined && !parsed.success) {
      throw new ValidationError('connector.bad_cursor', `dataset ${ref.source.source}.${ref.dataset.name}: the committed cursor is not one the rest connector wrote; run it with --full to start over.`);
    }
    const committed = parsed?.data;
    return {
      position: firstPosition(extract.paginator),
      since: extract.incremental === undefined ? null : (committed?.value ?? extract.incremental.initial ?? null),
      max: null,
      etag: extract.etag ? (committed?.etag ?? null) : null,
    };
  }

  protected async *pages(input: PageInput<RestApiConfig, RestApiExtract, RestApiState>): AsyncGenerator<Page<RestApiState>, Finish, void> {
    const { extract, ref } = input;
    const client = this.restClient(input);
    const base = joinUrl(input.config.base_url, extract.path);
    for (const [name, value] of Object.entries(extract.params)) base.searchParams.set(name, String(value));
    let state = input.state;
    if (extract.incremental !== undefined && state.since !== null) base.searchParams.set(extract.incremental.param, String(state.since));
    const secretParams = input.config.auth.type === 'api_key' && input.config.auth.in === 'query' ? [input.config.auth.name] : [];

    while (state.position !== null) {
      const url = pageUrl(extract.paginator, state.position, base);
      const response = await client.getJson(url, { headers: extract.headers, ...(state.etag === null ? {} : { ifNoneMatch: state.etag }) });
      if (response.status === 304) {
        return { cursor: { value: state.since, etag: state.etag }, unchanged: true };
      }
      const records = readSourcePath(response.json, extract.records_path);
      if (!Array.isArray(records)) {
        throw new ValidationError('connector.unexpected_shape', `dataset ${ref.source.source}.${ref.dataset.name}: GET ${response.origin} has no array at records_path ${extract.records_path === '' ? '(the body itself)' : JSON.stringify(extract.records_path)} (found ${records === null ? 'null' : typeof records}); nothing was written for this page. Check extract.records_path.`, {
          context: { url: response.origin, source: ref.source.source, dataset: ref.dataset.name },
        });
      }
      let max = state.max;
      if (extract.incremental !== undefined) {
        for (const record of records) {
          const value = readSourcePath(record, extract.incremental.field);
          if ((typeof value === 'string' || typeof value === 'number') && (max === null || compareCursorValues(value, max) > 0)) max = value;
        }
      }
      let next = nextPosition(extract.paginator, state.position, { json: response.json, headers: response.headers, records: records.length, origin: response.origin }, base);
      if (next !== null && 'url' in next && next.url !== null && secretParams.length > 0) {
        // the client adds the API key to every request; a checkpoint never holds it
        const stripped = new URL(next.url);
        for (const name of secretParams) stripped.searchParams.delete(name);
        next = { url: stripped.toString() };
      }
      const etagHeader = response.headers.etag;
      state = { ...state, position: next, max, etag: extract.etag && typeof etagHeader === 'string' ? etagHeader : state.etag };
      yield { records, origin: response.origin, state };
    }
    return { cursor: { value: state.max ?? state.since, etag: state.etag } };
  }
}
