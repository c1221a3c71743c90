/**
 * A small API for the rest connector tests that pages the same 7 items in each style real APIs
 * use: page numbers with a total, offset/limit with a total, a cursor in the body, and Link headers.
 */
import type { RecordedRequest, Reply } from '#support/httpServer.ts';

export const ITEMS = Array.from({ length: 7 }, (_, index) => ({ id: `item-${index + 1}`, name: `Item ${index + 1}`, updated_at: `2026-01-0${index + 1}T10:00:00Z` }));
const SIZE = 3;

/** Answers /page, /offset, /cursor and /link; anything else is a 404. */
export function itemsApi(request: RecordedRequest, baseUrl: () => string): Reply {
  const q = request.query;
  switch (request.path) {
    case '/page': {
      const page = Number(q.get('page') ?? '1');
      const size = Number(q.get('per_page') ?? SIZE);
      return { body: { data: ITEMS.slice((page - 1) * size, page * size), meta: { total_pages: Math.ceil(ITEMS.length / size) } } };
    }
    case '/offset': {
      const offset = Number(q.get('offset') ?? '0');
      const limit = Number(q.get('limit') ?? SIZE);
      return { body: { results: ITEMS.slice(offset, offset + limit), total: ITEMS.length } };
    }
    case '/cursor': {
      const start = q.has('after') ? ITEMS.findIndex((item) => item.id === q.get('after')) + 1 : 0;
      const slice = ITEMS.slice(start, start + SIZE);
      const more = start + SIZE < ITEMS.length;
      return { body: { items: slice, paging: { next: more ? slice.at(-1)?.id : null } } };
    }
    case '/link': {
      const page = Number(q.get('page') ?? '1');
      const last = Math.ceil(ITEMS.length / SIZE);
      const links = [`<${baseUrl()}/link?page=${last}>; rel="last"`];
      if (page < last) links.unshift(`<${baseUrl()}/link?page=${page + 1}>; rel="next"`);
      return { headers: { link: links.join(', ') }, body: ITEMS.slice((page - 1) * SIZE, page * SIZE) };
    }
    default:
      return { status: 404, body: { message: 'Not Found' } };
  }
}

/** The extract settings that read the 7 items through each paginator kind. */
export const PAGINATED: Readonly<Record<string, Record<string, unknown>>> = {
  page_number: { path: '/page', records_path: 'data', paginator: { type: 'page_number', param: 'page', size_param: 'per_page', size: 3, total_pages_path: 'meta.total_pages' } },
  offset: { path: '/offset', records_path: 'results', paginator: { type: 'offset', limit: 3, total_path: 'total' } },
  cursor: { path: '/cursor', records_path: 'items', paginator: { type: 'cursor', param: 'after', cursor_path: 'paging.next' } },
  link_header: { path: '/link', paginator: { type: 'link_header' } },
};
