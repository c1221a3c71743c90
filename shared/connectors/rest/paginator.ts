/**
 * Paginators of the declarative `rest` connector: where the next page is, from the current
 * position and the page just received. A position is plain JSON, kept in checkpoints.
 */
import type { IncomingHttpHeaders } from 'node:http';

import { parseLinkHeader } from 'got';
import { z } from 'zod';

import { ValidationError } from '#platform/errors.ts';
import { readSourcePath } from '#pipeline/records/readSourcePath.ts';

export const paginatorSchema = z.discriminatedUnion('type', [
  /** One request, no pages. */
  z.strictObject({ type: z.literal('none') }),
  /** `?page=1,2,3…` until a page is empty, shorter than `size`, or `total_pages_path` is reached. */
  z.strictObject({
    type: z.literal('page_number'),
    param: z.string().min(1).default('page'),
    start: z.number().int().min(0).default(1),
    size_param: z.string().min(1).optional(),
    size: z.number().int().positive().optional(),
    total_pages_path: z.string().optional(),
  }),
  /** `?offset=0&limit=100`, then offset += records received, until a page is shorter than `limit` or `total_path` is reached. */
  z.strictObject({
    type: z.literal('offset'),
    offset_param: z.string().min(1).default('offset'),
    limit_param: z.string().min(1).default('limit'),
    limit: z.number().int().positive().default(100),
    total_path: z.string().optional(),
  }),
  /** The next cursor is read from the body at `cursor_path` and sent as `param`; no cursor (null, empty, absent) ends. */
  z.strictObject({
    type: z.literal('cursor'),
    param: z.string().min(1).default('cursor'),
    cursor_path: z.string().min(1),
  }),
  /** RFC 8288 `Link: <…>; rel="next"` (GitHub); the next URL must stay on the base URL's origin. */
  z.strictObject({ type: z.literal('link_header') }),
], { message: 'must have type none, page_number, offset, cursor or link_header' });
export type Paginator = z.output<typeof paginatorSchema>;

export const positionSchema = z.union([
  z.strictObject({ page: z.number().int().min(0) }),
  z.strictObject({ offset: z.number().int().min(0) }),
  z.strictObject({ cursor: z.string().nullable() }),
  z.strictObject({ url: z.string().nullable() }),
]);
export type Position = z.output<typeof positionSchema>;

/** The position of the first page. */
export function firstPosition(paginator: Paginator): Position {
  switch (paginator.type) {
    case 'page_number':
      return { page: paginator.start };
    case 'offset':
      return { offset: 0 };
    case 'cursor':
      return { cursor: null };
    case 'none':
    case 'link_header':
      return { url: null };
  }
}

/** The URL of the page at `position`: `base` with the paginator's parameters, or the Link URL. */
export function pageUrl(paginator: Paginator, position: Position, base: URL): URL {
  const url = new URL(base);
  if ('url' in position && position.url !== null) return new URL(position.url);
  if (paginator.type === 'page_number' && 'page' in position) {
    url.searchParams.set(paginator.param, String(position.page));
    if (paginator.size_param !== undefined && paginator.size !== undefined) url.searchParams.set(paginator.size_param, String(paginator.size));
  } else if (paginator.type === 'offset' && 'offset' in position) {
    url.searchParams.set(paginator.offset_param, String(position.offset));
    url.searchParams.set(paginator.limit_param, String(paginator.limit));
  } else if (paginator.type === 'cursor' && 'cursor' in position && position.cursor !== null) {
    url.searchParams.set(paginator.param, position.cursor);
  }
  return url;
}

export type ReceivedPage = {
  readonly json: unknown;
  readonly headers: IncomingHttpHeaders;
  readonly records: number;
  /** The page's URL as it may be shown (no secrets). */
  readonly origin: string;
};

const numberAt = (json: unknown, path: string | undefined): number | undefined => {
  if (path === undefined) return undefined;
  const value = readSourcePath(json, path);
  return typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
};

/** The position after `page`, or null when it was the last page. */
export function nextPosition(paginator: Paginator, position: Position, page: ReceivedPage, base: URL): Position | null {
  switch (paginator.type) {
    case 'none':
      return null;
    case 'page_number': {
      const current = 'page' in position ? position.page : paginator.start;
      const totalPages = numberAt(page.json, paginator.total_pages_path);
      if (page.records === 0) return null;
      // pages are numbered from `start`, so the page just received is page (current - start + 1) of totalPages
      if (totalPages !== undefined) return current - paginator.start + 1 < totalPages ? { page: current + 1 } : null;
      if (paginator.size !== undefined && page.records < paginator.size) return null;
      return { page: current + 1 };
    }
    case 'offset': {
      const offset = ('offset' in position ? position.offset : 0) + page.records;
      const total = numberAt(page.json, paginator.total_path);
      if (page.records === 0 || (total !== undefined && offset >= total)) return null;
      if (total === undefined && page.records < paginator.limit) return null;
      return { offset };
    }
    case 'cursor': {
      const value = readSourcePath(page.json, paginator.cursor_path);
      if (value === undefined || value === null || value === '') return null;
      if (typeof value !== 'string' && typeof value !== 'number') {
        throw new ValidationError('connector.unexpected_shape', `${page.origin}: the cursor at ${paginator.cursor_path} is a ${typeof value}, expected a string or number; check extract.paginator.cursor_path.`);
      }
      const cursor = String(value);
      if ('cursor' in position && position.cursor === cursor) {
        throw new ValidationError('connector.pagination_loop', `${page.origin}: the API returned the same cursor ${JSON.stringify(cursor)} again; stopping instead of looping. Check extract.paginator.cursor_path.`);
      }
      return { cursor };
    }
    case 'link_header': {
      const header = page.headers.link;
      const text = Array.isArray(header) ? header.join(', ') : header;
      if (text === undefined || text.trim() === '') return null;
      let links: ReturnType<typeof parseLinkHeader>;
      try {
        links = parseLinkHeader(text);
      } catch (error) {
        throw new ValidationError('connector.unexpected_shape', `${page.origin}: the Link header cannot be read (${(error as Error).message}).`, { cause: error });
      }
      const next = links.find((link) => (link.parameters.rel ?? '').replace(/^"|"$/g, '').split(/\s+/).includes('next'));
      if (next === undefined) return null;
      const url = new URL(next.reference, base);
      if (url.origin !== base.origin) {
        throw new ValidationError('connector.foreign_next_link', `${page.origin}: the next page is on another origin (${url.origin}); credentials are only sent to ${base.origin}, so pagination stops with an error.`);
      }
      return { url: url.toString() };
    }
  }
}
