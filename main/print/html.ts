/**
 * HTML for printouts, escaped by construction: every value put into the `html` template is
 * escaped unless it is already `Html` (a fragment this module built). Patient data — names, notes,
 * a letter typed by a colleague — never becomes markup, whatever it contains (HTML 5.2 §8.1.4:
 * escaping `& < > " '` is enough inside text and quoted attribute values).
 */

/** A fragment of markup that is safe to insert as is. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => entities[character] as string);
}

/** What may be interpolated: text (escaped), markup already built, nothing, or a list of these. */
export type HtmlValue = Html | string | number | null | undefined | false | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  return escapeHtml(String(value));
}

/** `html\`<p>${text}</p>\`` — the literal parts are markup, every value is escaped. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += render(value) + (strings[index + 1] ?? '');
  });
  return new Html(markup);
}

/**
 * Markup this program made itself and nobody else wrote into: the embedded fonts' CSS, the QR
 * code's SVG from the qrcode library. Never for anything read from the record.
 */
export function trustedMarkup(markup: string): Html {
  return new Html(markup);
}
