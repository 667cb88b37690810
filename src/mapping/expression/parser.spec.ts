import fc from 'fast-check';
import { ExpressionError } from './expression-error';
import { parseExpression } from './parser';
import { printExpression, withoutPositions } from './printer';

const shape = (text: string) => withoutPositions(parseExpression(text));

function syntaxError(text: string): ExpressionError {
  try {
    parseExpression(text);
  } catch (e) {
    if (e instanceof ExpressionError) return e;
    throw e;
  }
  throw new Error(`expected a syntax error for ${text}`);
}

describe('parseExpression', () => {
  it('parses nested calls, attributes and constants into Graph-like nodes (G-AMS)', () => {
    expect(shape('Mid([userPrincipalName], 1, 8)')).toEqual({
      kind: 'Function',
      name: 'Mid',
      args: [
        { kind: 'Attribute', name: 'userPrincipalName' },
        { kind: 'Constant', value: '1', form: 'number', raw: '1' },
        { kind: 'Constant', value: '8', form: 'number', raw: '8' },
      ],
    });
  });

  it('keeps omitted and trailing-empty arguments apart from "" (§1.2)', () => {
    const tree = shape('Switch([IsSoftDeleted], , "False", "True", "True", "False")') as {
      args: { kind: string }[];
    };
    expect(tree.args.map((a) => a.kind)).toEqual([
      'Attribute',
      'Empty',
      'Constant',
      'Constant',
      'Constant',
      'Constant',
    ]);
    const replace = shape('Replace([preferredLanguage], "-", , , "_", , )') as { args: { kind: string }[] };
    expect(replace.args.map((a) => a.kind)).toEqual([
      'Attribute',
      'Constant',
      'Empty',
      'Empty',
      'Constant',
      'Empty',
      'Empty',
    ]);
    expect((shape('Guid()') as { args: unknown[] }).args).toEqual([]);
    expect((shape('ToUpper(Word([userPrincipalName], 1, "@"), )') as { args: unknown[] }).args).toHaveLength(
      2,
    );
  });

  it('reads string escapes: \\\\ and \\" only, other backslashes kept as written (§1.1)', () => {
    expect(shape('"Company name: \\"Contoso\\""')).toMatchObject({ value: 'Company name: "Contoso"' });
    expect(shape('"\\\\+(?<isdCode>\\\\d* )"')).toMatchObject({ value: '\\+(?<isdCode>\\d* )' });
    // WD's single-backslash form gives the same regex text.
    expect(shape('"\\+(?<isdCode>\\d* )"')).toMatchObject({ value: '\\+(?<isdCode>\\d* )' });
    expect(shape('""')).toMatchObject({ value: '' });
  });

  it('reads attribute names with colons, dots, URNs and value filters', () => {
    expect(shape('[urn:ietf:params:scim:schemas:extension:contoso:1.0:User:JobCode]')).toEqual({
      kind: 'Attribute',
      name: 'urn:ietf:params:scim:schemas:extension:contoso:1.0:User:JobCode',
    });
    expect(shape('[emails[type eq "work]"].value]')).toEqual({
      kind: 'Attribute',
      name: 'emails[type eq "work]"].value',
    });
    expect(shape('[ passwordProfile.password ]')).toEqual({
      kind: 'Attribute',
      name: 'passwordProfile.password',
    });
  });

  it('reads numbers, negative numbers and &H hex literals', () => {
    expect(shape('DateAdd("d", -10, Now())')).toMatchObject({
      args: [{}, { value: '-10', form: 'number' }, {}],
    });
    expect(shape('BitAnd(&HF, &HF7)')).toMatchObject({
      args: [
        { value: '15', raw: '&HF' },
        { value: '247', raw: '&HF7' },
      ],
    });
    expect(shape('Len(42568.75)')).toMatchObject({ args: [{ value: '42568.75' }] });
  });

  it('reads bare tokens case-insensitively and canonicalises them', () => {
    expect(shape('InStr("repEated","e",3,vbbinarycompare)')).toMatchObject({
      args: [{}, {}, {}, { kind: 'Token', name: 'vbBinaryCompare' }],
    });
    expect(shape('IgnoreObjectFlow')).toEqual({ kind: 'Token', name: 'IgnoreObjectFlow' });
  });

  it('reads comparisons in conditions', () => {
    expect(shape('IIF([country]="USA",[country],[department])')).toMatchObject({
      args: [
        { kind: 'Comparison', operator: '=', left: { name: 'country' }, right: { value: 'USA' } },
        {},
        {},
      ],
    });
    for (const op of ['<>', '>', '>=', '<', '<=']) {
      expect(shape(`CBool([a] ${op} [b])`)).toMatchObject({ args: [{ kind: 'Comparison', operator: op }] });
    }
  });

  it('allows whitespace and blank lines anywhere, including before "(" (Len example 2)', () => {
    const text =
      'IIF(Len([LastName]) <= 5,  \n\n  Left(Join ("",[LastName],[FirstName]),10),  \r\n  Join("", Mid([LastName],1,9), Mid([FirstName],1,1)) \n\n)';
    expect(shape(text)).toMatchObject({ kind: 'Function', name: 'IIF' });
  });

  it.each([
    ['Join(" ", [a] [b])', 1, 15, ['","', '")"', 'a comparison operator']],
    ['Join(" ", [a]', 1, 14, ['","', '")"', 'a comparison operator']],
    ['Mid([a], 1, 2))', 1, 15, ['the end of the expression', 'a comparison operator']],
    ['IIF([a] = "b" = "c", 1, 2)', 1, 15, ['","', '")"']],
    ['Switch([a],\n  "x" "y")', 2, 7, ['","', '")"', 'a comparison operator']],
    ['"abc', 1, 1, ["'\"'"]],
    ['[abc', 1, 1, ['"]"']],
    ['ToLower(givenName)', 1, 18, ['"("']],
    ['', 1, 1, ['a function call', 'an [attribute]', 'a "string"', 'a number']],
    ['IIF([a] = , "x", "y")', 1, 11, ['a function call', 'an [attribute]', 'a "string"', 'a number']],
  ])('reports %j at line %d, column %d expecting %j', (text, line, column, expected) => {
    const error = syntaxError(text);
    expect({ line: error.line, column: error.column, expected: error.expected }).toEqual({
      line,
      column,
      expected,
    });
    expect(error.message).toMatch(new RegExp(`^Line ${line}, column ${column}: `));
  });

  it('explains a single-quoted string and a stray character', () => {
    expect(syntaxError("Join(',', [a])").detail).toContain('double quotes');
    expect(syntaxError('Join("", [a]) @').column).toBe(15);
  });

  it('rejects more than 10,000 characters (FX26)', () => {
    const error = syntaxError(`Join("", "${'x'.repeat(10_000)}")`);
    expect(error.kind).toBe('tooLong');
    expect(() => parseExpression(`"${'x'.repeat(9_998)}"`)).not.toThrow();
  });

  it('rejects absurd nesting with a positioned error rather than a stack overflow', () => {
    const error = syntaxError('ToLower('.repeat(1000) + '"a"' + ')'.repeat(1000));
    expect(error.kind).toBe('tooDeep');
  });
});

// ---- property-based ----

const name = fc.constantFrom('Join', 'switch', 'IIF', 'Mid', 'Replace', 'ToLower', 'Foo', 'iif');
const attribute = fc.stringMatching(/^[A-Za-z][A-Za-z0-9:._-]{0,20}$/).map((s) => `[${s}]`);
// Control characters are dropped before quoting, so JSON.stringify only ever escapes `"` and `\\` (a post-hoc
// strip of `\\uXXXX` escapes could cut a real backslash in two and leave the literal unterminated).
const stringLit = fc
  .string({ maxLength: 12 })
  .map((s) => JSON.stringify([...s].filter((c) => c >= ' ' && c !== '\u007f').join('')));
// Unescaped content (regex styles): quotes removed first, then a trailing backslash neutralised, so the
// closing quote is never escaped (`\"` would leave the literal unterminated).
const rawString = fc
  .string({ maxLength: 8 })
  .map((s) => s.replace(/"/g, ''))
  .map((s) => `"${s}${s.endsWith('\\') ? 'x' : ''}"`);
const number = fc.oneof(
  fc.integer({ min: -999, max: 99999 }).map(String),
  fc.constant('42568.75'),
  fc.constant('&HF7'),
);
const token = fc.constantFrom('vbTextCompare', 'IgnoreAttributeFlow', 'IgnoreObjectFlow');
const ws = fc.constantFrom('', ' ', '\n', '  \r\n ', '\t');

const { expr } = fc.letrec<{ expr: string; call: string; arg: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    attribute,
    stringLit,
    rawString,
    number,
    token,
    tie('call'),
    fc
      .tuple(tie('call'), fc.constantFrom('=', '<>', '>=', '<'), attribute)
      .map(([a, op, b]) => `${a}${op}${b}`),
  ),
  arg: fc.oneof({ depthSize: 'small' }, tie('expr'), fc.constant('')),
  call: fc
    .tuple(name, ws, fc.array(fc.tuple(ws, tie('arg'), ws), { maxLength: 5 }))
    .map(([n, w, args]) => `${n}${w}(${args.map(([a, b, c]) => a + b + c).join(',')})`),
}));

/** Grammar-shaped text with random damage: a character dropped, duplicated or swapped. */
const damaged = fc
  .tuple(
    expr,
    fc.nat(),
    fc.constantFrom('drop', 'dup', 'insert'),
    fc.constantFrom('(', ')', ',', '"', '[', ']', '\\', '=', '&H'),
  )
  .map(([text, at, how, ch]) => {
    const i = text.length ? at % text.length : 0;
    if (how === 'drop') return text.slice(0, i) + text.slice(i + 1);
    if (how === 'dup') return text.slice(0, i + 1) + text.slice(i);
    return text.slice(0, i) + ch + text.slice(i);
  });

function parsesOrPositionedError(text: string): void {
  try {
    parseExpression(text);
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.column).toBeGreaterThanOrEqual(1);
    expect(e.offset).toBeLessThanOrEqual(text.length);
  }
}

describe('parseExpression properties', () => {
  it('returns a tree or a positioned ExpressionError for arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60, unit: 'binary' }), parsesOrPositionedError), {
      numRuns: 3000,
    });
  });

  it('returns a tree or a positioned ExpressionError for grammar-shaped and damaged strings', () => {
    fc.assert(fc.property(fc.oneof(expr, damaged), parsesOrPositionedError), { numRuns: 3000 });
  });

  it('parses every grammar-shaped string, and print then parse gives the same tree', () => {
    fc.assert(
      fc.property(expr, (text) => {
        const tree = parseExpression(text);
        const printed = printExpression(tree);
        expect(withoutPositions(parseExpression(printed))).toEqual(withoutPositions(tree));
        expect(printExpression(parseExpression(printed))).toBe(printed);
      }),
      { numRuns: 2000 },
    );
  });
});
