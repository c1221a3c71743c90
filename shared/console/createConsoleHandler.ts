import { checkBasicAuth } from '#platform/http/checkBasicAuth.ts';
import { isPlatformError } from '#platform/errors.ts';
import { createLogger, type Logger } from '#platform/log.ts';
import { redact } from '#platform/redact.ts';
import { withErrorReplies } from '#platform/function/withErrorReplies.ts';
import type { FunctionContext, FunctionEvent, FunctionHandler } from '#template/functionContract.ts';
import type { ConsoleContext } from './consoleContext.ts';
import { html, toHtmlString, type Html } from './html.ts';
import { renderPage, type ConsoleSection } from './renderPage.ts';
import { showDatasetPage } from './showDatasetPage.ts';
import { showDatasetsPage } from './showDatasetsPage.ts';
import { showLineagePage } from './showLineagePage.ts';
import { showModelPage } from './showModelPage.ts';
import { showRunPage } from './showRunPage.ts';
import { showRunsPage } from './showRunsPage.ts';
import { showTriggersPage } from './showTriggersPage.ts';

export type ConsoleCredentials = { readonly user: string; readonly password: string | undefined };

export type CreateConsoleHandlerOptions = {
  /** The console's context, opened on first use (the database pool). */
  readonly context: () => Promise<ConsoleContext>;
  /** Path prefix of the console's links (`/function/console`). */
  readonly base: string;
  /** Basic-auth credentials every request must carry; without a password every request is refused (503). */
  readonly credentials: () => ConsoleCredentials;
  readonly log?: Logger;
};

type Page = { readonly title: string; readonly body: Html };
type Route = { readonly pattern: RegExp; readonly section: ConsoleSection | undefined; readonly show: (context: ConsoleContext, match: RegExpExecArray, event: FunctionEvent) => Promise<Page> };

const routes: readonly Route[] = [
  { pattern: /^\/(runs\/?)?$/, section: 'runs', show: (context, _match, event) => showRunsPage(context, event.query) },
  { pattern: /^\/runs\/([^/]+)\/?$/, section: 'runs', show: (context, match) => showRunPage(context, decodeURIComponent(match[1]!)) },
  { pattern: /^\/datasets\/?$/, section: 'datasets', show: (context) => showDatasetsPage(context) },
  { pattern: /^\/datasets\/gold\/([^/]+)\/?$/, section: 'datasets', show: (context, match) => showModelPage(context, decodeURIComponent(match[1]!)) },
  { pattern: /^\/datasets\/([^/]+)\/([^/]+)\/?$/, section: 'datasets', show: (context, match, event) => showDatasetPage(context, decodeURIComponent(match[1]!), decodeURIComponent(match[2]!), event.query) },
  { pattern: /^\/lineage\/?$/, section: 'lineage', show: (context, _match, event) => showLineagePage(context, event.query) },
  { pattern: /^\/triggers\/?$/, section: 'triggers', show: (context) => showTriggersPage(context) },
];

/** Every answer: a page no one may frame or script (the console writes no script at all), never cached, never sniffed. */
const HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function answer(context: FunctionContext, status: number, page: Html, extra: Readonly<Record<string, string>> = {}): void {
  context.status(status).headers({ ...HEADERS, ...extra }).succeed(toHtmlString(page));
}

/**
 * Builds the console's handler: server-rendered HTML pages (no script, readable without JavaScript) over the
 * platform's Postgres, behind basic auth checked here — faasd's gateway does not guard /function/* routes.
 * Every value from the database is escaped by the `html` tag. A failure is an HTML page with its status.
 */
export function createConsoleHandler(options: CreateConsoleHandlerOptions): FunctionHandler {
  const log = options.log ?? createLogger();
  // every failure is answered as a page below; withErrorReplies is the last resort for anything else
  return withErrorReplies(async (event: FunctionEvent, context: FunctionContext) => {
    const now = new Date();
    const errorPage = (title: string, message: string): Html => renderPage({ base: options.base, title, section: undefined, now, body: html`<h1>${title}</h1><div class="error">${message}</div>` });
    const credentials = options.credentials();
    if (credentials.password === undefined) {
      answer(context, 503, errorPage('Console not configured', 'The console has no password, so it serves nothing. On faasd: faas-cli secret create console-password (use the gateway\'s admin password), list it under the console\'s secrets in stack.yml and deploy; locally `dp up` hands the console the gateway\'s credentials.'));
      return undefined;
    }
    const authorization = event.headers.authorization;
    if (!checkBasicAuth(typeof authorization === 'string' ? authorization : undefined, credentials.user, credentials.password)) {
      answer(context, 401, errorPage('Sign in', 'The console needs the platform\'s basic-auth credentials (the gateway\'s admin user and password).'), { 'www-authenticate': 'Basic realm="Dataplatform console", charset="UTF-8"' });
      return undefined;
    }
    if (event.method !== 'GET' && event.method !== 'HEAD') {
      answer(context, 405, errorPage('Not allowed', `The console only reads: ${event.method} is not allowed.`), { allow: 'GET, HEAD' });
      return undefined;
    }
    const path = event.path === '' ? '/' : event.path;
    const route = routes.map((candidate) => ({ candidate, match: candidate.pattern.exec(path) })).find((entry) => entry.match !== null);
    if (route === undefined) {
      answer(context, 404, errorPage('Not found', `The console has no page ${path}; start from the runs page.`));
      return undefined;
    }
    try {
      const page = await route.candidate.show(await options.context(), route.match!, event);
      answer(context, 200, renderPage({ base: options.base, title: page.title, section: route.candidate.section, now, body: page.body }));
    } catch (error) {
      if (error instanceof URIError) {
        answer(context, 400, errorPage('Cannot show this', `${path} is not a well-formed address (a broken %-escape).`));
        return undefined;
      }
      if (isPlatformError(error) && error.status < 500) {
        answer(context, error.status, errorPage(error.status === 404 ? 'Not found' : 'Cannot show this', redact(error.message)));
        return undefined;
      }
      log.error('console.page_failed', { path, error });
      answer(context, 500, errorPage('Something failed', isPlatformError(error) ? `${error.code}: ${redact(error.message)}` : 'The page could not be rendered; the console function\'s log has the details.'));
    }
    return undefined;
  }, { log });
}
