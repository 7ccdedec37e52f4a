/** Text that is already markup (HTML or SVG) and goes into a `markup` template as it is. */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** What a `markup` template accepts: plain values are escaped, `Markup` is kept, arrays are joined, null and undefined are empty. */
export type MarkupPart = Markup | string | number | null | undefined | readonly MarkupPart[];

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `&`, `<`, `>`, `"` and `'` as entities: safe in HTML and SVG text and in quoted attributes. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/gu, (char) => ENTITIES[char]!);
}

/**
 * A tagged template that escapes every interpolated value unless it is `Markup`: the report
 * interpolates file, class and model names that users chose, so escaping is the default, not a step to remember.
 */
export function markup(strings: TemplateStringsArray, ...values: MarkupPart[]): Markup {
  let text = strings[0]!;
  values.forEach((value, index) => {
    text += partText(value) + strings[index + 1]!;
  });
  return new Markup(text);
}

function partText(part: MarkupPart): string {
  if (part === null || part === undefined) return '';
  if (part instanceof Markup) return part.text;
  if (Array.isArray(part)) return part.map(partText).join('');
  return escapeMarkup(String(part));
}
