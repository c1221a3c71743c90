import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { escapeHtml, html, toHtmlString, unsafeConstant } from '#console/html.ts';

const HOSTILE = `"><script>alert('x')</script><img src=x onerror=alert(1)>&amp;`;

test('every interpolated string is escaped, in text and in attribute values alike', () => {
  const page = toHtmlString(html`<p title="${HOSTILE}">${HOSTILE}</p>`);
  assert.not.match(page, /<script>|<img|"><|onerror=alert\(1\)>/);
  assert.is(page, `<p title="${escapeHtml(HOSTILE)}">${escapeHtml(HOSTILE)}</p>`);
  assert.is(escapeHtml(`<a href='x'>&</a>`), '&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
});

test('Html made by the tag is kept as markup, once; arrays are joined; null, undefined and false render nothing', () => {
  const cell = (value: string) => html`<td>${value}</td>`;
  const row = html`<tr>${['a<b', 'c&d'].map(cell)}${null}${undefined}${false}${0}</tr>`;
  assert.is(toHtmlString(row), '<tr><td>a&lt;b</td><td>c&amp;d</td>0</tr>');
  assert.is(toHtmlString(html`<div>${row}</div>`), '<div><tr><td>a&lt;b</td><td>c&amp;d</td>0</tr></div>');
});

test('an object that merely looks like Html is escaped as text, not trusted', () => {
  const forged = { text: '<script>alert(1)</script>' } as unknown as string;
  assert.not.match(toHtmlString(html`${forged}`), /<script>/);
  assert.is(toHtmlString(html`<style>${unsafeConstant('a>b{}')}</style>`), '<style>a>b{}</style>');
});

test.run();
