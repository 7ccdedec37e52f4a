/**
 * A small protobuf text-format reader for tests, written independently of the exporter's writer:
 * `field: scalar`, `field { ... }`, `field [ scalar, ... ]`, `field [ { ... }, ... ]`, with `:`
 * optional before a message or list, `,`/`;` separators and `#` comments. Enum values come back as
 * strings; a field that appears more than once, or as a list of messages, comes back as an array.
 */
export type PbtxtParsed = { [field: string]: PbtxtParsedValue };
export type PbtxtParsedValue = string | number | boolean | PbtxtParsed | PbtxtParsedValue[];

type Token = { kind: 'ident' | 'number' | 'string' | 'punct'; text: string; value?: string | number };

export function parsePbtxt(text: string): PbtxtParsed {
  const tokens = tokenize(text);
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const next = (): Token => {
    const token = tokens[at++];
    if (!token) throw new Error('pbtxt: unexpected end of text');
    return token;
  };
  const expect = (punct: string): void => {
    const token = next();
    if (token.kind !== 'punct' || token.text !== punct) throw new Error(`pbtxt: expected "${punct}", got "${token.text}"`);
  };
  const isPunct = (punct: string): boolean => peek()?.kind === 'punct' && peek()!.text === punct;

  function scalar(): string | number | boolean {
    const token = next();
    if (token.kind === 'string' || token.kind === 'number') return token.value!;
    if (token.kind === 'ident') return token.text === 'true' ? true : token.text === 'false' ? false : token.text;
    throw new Error(`pbtxt: expected a value, got "${token.text}"`);
  }

  function message(end: string | null): PbtxtParsed {
    const fields: PbtxtParsed = {};
    const add = (name: string, value: PbtxtParsedValue, repeated: boolean): void => {
      if (!(name in fields)) fields[name] = repeated ? [value] : value;
      else if (Array.isArray(fields[name])) (fields[name] as PbtxtParsedValue[]).push(value);
      else fields[name] = [fields[name]!, value];
    };
    for (;;) {
      if (end === null ? peek() === undefined : isPunct(end)) {
        if (end !== null) next();
        return fields;
      }
      const name = next();
      if (name.kind !== 'ident') throw new Error(`pbtxt: expected a field name, got "${name.text}"`);
      const colon = isPunct(':');
      if (colon) next();
      if (isPunct('{')) {
        next();
        add(name.text, message('}'), false);
      } else if (isPunct('[')) {
        next();
        const items: PbtxtParsedValue[] = [];
        while (!isPunct(']')) {
          if (isPunct('{')) {
            next();
            items.push(message('}'));
          } else items.push(scalar());
          if (isPunct(',')) next();
        }
        expect(']');
        for (const item of items) add(name.text, item, true);
        if (items.length === 0 && !(name.text in fields)) fields[name.text] = [];
      } else {
        if (!colon) throw new Error(`pbtxt: expected ":" after ${name.text}`);
        add(name.text, scalar(), false);
      }
      if (isPunct(',') || isPunct(';')) next();
    }
  }

  return message(null);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (/\s/.test(char)) i++;
    else if (char === '#') while (i < text.length && text[i] !== '\n') i++;
    else if ('{}[]:,;'.includes(char)) tokens.push({ kind: 'punct', text: text[i++]! });
    else if (char === '"' || char === "'") {
      const bytes: number[] = [];
      i++;
      while (text[i] !== char) {
        if (i >= text.length) throw new Error('pbtxt: unterminated string');
        if (text[i] === '\\') {
          const escape = text[i + 1]!;
          const simple: Record<string, number> = { n: 10, r: 13, t: 9, '\\': 92, '"': 34, "'": 39 };
          if (escape in simple) {
            bytes.push(simple[escape]!);
            i += 2;
          } else if (/[0-7]/.test(escape)) {
            const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1))![0];
            bytes.push(parseInt(octal, 8));
            i += 1 + octal.length;
          } else throw new Error(`pbtxt: unknown escape \\${escape}`);
        } else {
          const codePoint = text.codePointAt(i)!;
          bytes.push(...Buffer.from(String.fromCodePoint(codePoint), 'utf8'));
          i += codePoint > 0xffff ? 2 : 1;
        }
      }
      i++;
      const value = Buffer.from(bytes).toString('utf8');
      tokens.push({ kind: 'string', text: value, value });
    } else {
      const word = /^[-+]?[A-Za-z0-9_.]+/.exec(text.slice(i))?.[0];
      if (!word) throw new Error(`pbtxt: unexpected "${char}" at ${i}`);
      i += word.length;
      tokens.push(/^[-+]?(\d|\.\d)/.test(word) ? { kind: 'number', text: word, value: Number(word) } : { kind: 'ident', text: word });
    }
  }
  return tokens;
}
