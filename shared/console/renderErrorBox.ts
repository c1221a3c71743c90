import { describeErrorHint } from './describeErrorHint.ts';
import { readErrorRecord } from './consoleFormat.ts';
import { html, type Html } from './html.ts';

/** A stored error as a red box: code, message, and what to do about it. Nothing when the value is no error. */
export function renderErrorBox(value: unknown, what = 'Error'): Html {
  const error = readErrorRecord(value);
  if (error === null) return html``;
  return html`<div class="error"><div><span class="code">${what}: ${error.code}</span>${error.retryable ? html` <span class="muted small">(retryable)</span>` : ''}</div>
<div>${error.message}</div><div class="hint small">What to do: ${describeErrorHint(error.code, error.retryable)}</div></div>`;
}
