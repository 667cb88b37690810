import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJsonText } from './json-text';

const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures');

/** A deterministic generator: the same values on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

/** Characters a value may hold: escapes JSON.stringify writes, a lone surrogate, non-Latin-1 text, DEL. */
const CHARS = [
  'a',
  'Z',
  '0',
  ' ',
  '"',
  '\\',
  '/',
  '\n',
  '\t',
  '\u0001',
  '\u007f',
  'é',
  '漢',
  '😀',
  '\ud800',
  ':',
  ',',
];

function randomValue(next: () => number, depth: number): unknown {
  const pick = next() % (depth > 3 ? 4 : 6);
  if (pick === 0) return Array.from({ length: next() % 14 }, () => CHARS[next() % CHARS.length]).join('');
  if (pick === 1) {
    const n = [0, -0, 7, -12, 0.5, -3.25e-7, 1e21, 123456789012, Number.MAX_SAFE_INTEGER][next() % 9];
    return n * (next() % 2 ? 1 : -1);
  }
  if (pick === 2) return [true, false][next() % 2];
  if (pick === 3) return null;
  if (pick === 4) return Array.from({ length: next() % 5 }, () => randomValue(next, depth + 1));
  const out: Record<string, unknown> = {};
  for (let k = next() % 5; k > 0; k--)
    out[['id', 'value', '__proto__', 'émail', 'a b', '0', '10', ''][next() % 8]] = randomValue(
      next,
      depth + 1,
    );
  return out;
}

/** Every text of the fixture folders that JSON.parse reads: the RFC 7643/7644 examples, Bulk and PATCH bodies. */
function fixtureTexts(): string[] {
  const out: string[] = [];
  for (const dir of ['rfc-samples', 'scimmy-fixtures'])
    for (const name of readdirSync(join(FIXTURES, dir)).filter((n) => n.endsWith('.json')))
      out.push(readFileSync(join(FIXTURES, dir, name), 'utf8'));
  return out;
}

describe('parseJsonText', () => {
  it('reads every RFC and SCIM fixture exactly as JSON.parse, whitespace and nesting as they are', () => {
    const texts = fixtureTexts();
    expect(texts.length).toBeGreaterThan(40);
    for (const text of texts) expect(parseJsonText(text)).toStrictEqual(JSON.parse(text));
  });

  it('gives what JSON.parse gives for 3,000 random values, compact and indented', () => {
    const next = lcg(11);
    for (let n = 0; n < 3000; n++) {
      const text = JSON.stringify(randomValue(next, 0), null, n % 3 === 0 ? 2 : undefined) ?? 'null';
      const read = parseJsonText(text);
      expect(read).toStrictEqual(JSON.parse(text));
      // toStrictEqual compares an own `__proto__` key by what it is; the prototypes must match too.
      if (read && typeof read === 'object')
        expect(Object.getPrototypeOf(read)).toBe(Array.isArray(read) ? Array.prototype : Object.prototype);
    }
  });

  it('keeps a `__proto__` key as an own property, never as the prototype', () => {
    const read = parseJsonText('{"__proto__": {"admin": true}, "x": 1}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(Object.keys(read)).toEqual(['__proto__', 'x']);
    expect((read as { admin?: unknown }).admin).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(read, '__proto__')?.value).toEqual({ admin: true });
  });

  it('reads numbers, literals and escapes at the top level and with whitespace around them', () => {
    for (const text of [
      '0',
      '-0',
      ' 1.5e+3 ',
      '\t-2E-2\r\n',
      'true',
      'false',
      'null',
      '"\\u00e9\\n\\"\\\\\\/"',
      '[]',
      '{}',
      ' [ ] ',
      '{ "a" : [ 1 , { } ] }',
    ])
      expect(parseJsonText(text)).toStrictEqual(JSON.parse(text));
    expect(Object.is(parseJsonText('-0'), -0)).toBe(true);
  });

  it('throws a SyntaxError, as JSON.parse does, for every cut of a request and for malformed texts', () => {
    const request = JSON.stringify({
      method: 'POST',
      path: '/Users',
      body: {
        userName: 'a"b@example.com',
        active: true,
        emails: [{ type: 'work', value: 'x\\y' }],
        n: -1.5e3,
      },
    });
    const bad = [
      ...Array.from({ length: request.length }, (_, k) => request.slice(0, k)),
      '{"a":1,}',
      '[1,]',
      '[,1]',
      '{"a" 1}',
      '{a:1}',
      "{'a':1}",
      '01',
      '[01]',
      '1.',
      '.5',
      '+1',
      '-',
      '1e',
      'tru',
      'nul',
      'truex',
      '[true false]',
      '"a\u0001b"',
      '"a\nb"',
      '"\\x41"',
      '"\\u12"',
      '{"a":1}}',
      '{"a":1} x',
      '{"a":1}{}',
      'NaN',
      'Infinity',
      'undefined',
      '\u00a0{}',
    ];
    for (const text of bad) {
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
      expect(() => parseJsonText(text)).toThrow(SyntaxError);
    }
  });
});
