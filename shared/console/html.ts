/**
 * HTML built with template literals, escaped by default. `html\`…\`` escapes every interpolated value
 * (text and attribute values alike: & < > " ' are replaced) unless the value is itself Html made by this
 * tag; arrays are joined, null, undefined and false render nothing. Nothing else produces Html, so a value
 * from the database can never become markup.
 */

const brand = Symbol('html');

/** A piece of markup made by `html` (or `unsafeConstant` for literal markup of the console's own). */
export type Html = { readonly [brand]: true; readonly text: string };

const make = (text: string): Html => ({ [brand]: true, text });
const isHtml = (value: unknown): value is Html => typeof value === 'object' && value !== null && brand in value;

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

/** What an interpolation may hold. */
export type HtmlValue = Html | string | number | bigint | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (isHtml(value)) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** The escaping tag. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let text = strings[0]!;
  for (let index = 0; index < values.length; index += 1) {
    text += render(values[index]!) + strings[index + 1]!;
  }
  return make(text);
}

/** Markup written in the console's own source (a stylesheet), never data. */
export function unsafeConstant(text: string): Html {
  return make(text);
}

/** The document as a string. */
export function toHtmlString(value: Html): string {
  return value.text;
}
