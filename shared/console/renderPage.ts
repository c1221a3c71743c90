import { CONSOLE_STYLE } from './consoleStyle.ts';
import { html, type Html } from './html.ts';

export type ConsoleSection = 'runs' | 'datasets' | 'lineage' | 'triggers';

export type PageOptions = {
  /** Path prefix of every console link (`/function/console`). */
  readonly base: string;
  readonly title: string;
  readonly section: ConsoleSection | undefined;
  readonly body: Html;
  /** When the page was rendered, for the footer. */
  readonly now: Date;
};

const SECTIONS: readonly (readonly [ConsoleSection, string, string])[] = [
  ['runs', 'Runs', '/'],
  ['datasets', 'Datasets', '/datasets'],
  ['lineage', 'Lineage', '/lineage'],
  ['triggers', 'Triggers', '/triggers'],
];

/** A whole console page: the document, the inlined stylesheet, the navigation and the body. No script. */
export function renderPage(options: PageOptions): Html {
  const { base } = options;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${options.title} · Dataplatform console</title><style>${CONSOLE_STYLE}</style></head>
<body><header><a class="brand" href="${base}/">Dataplatform</a><nav>${SECTIONS.map(([id, label, path]) => html`<a href="${base}${path}" class="${id === options.section ? 'here' : ''}">${label}</a>`)}</nav></header>
<main>${options.body}
<p class="muted small">Rendered ${options.now.toISOString().replace('T', ' ').slice(0, 19)} UTC · reload for the latest state.</p></main></body></html>`;
}
