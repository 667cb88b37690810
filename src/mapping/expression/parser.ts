import { BARE_TOKENS, type BareToken, type ComparisonOperator, type ExpressionNode } from './ast';
import { ExpressionError } from './expression-error';
import { tokenize, type Token } from './lexer';

/** Deeper nesting than any real mapping; keeps the recursive descent far from the stack limit. */
export const MAX_NESTING = 64;

const BARE_BY_LOWER = new Map<string, BareToken>(BARE_TOKENS.map((t) => [t.toLowerCase(), t]));

const describe = (t: Token): string =>
  t.type === 'end'
    ? 'the end of the expression'
    : t.type === 'string'
      ? 'a string constant'
      : t.type === 'attribute'
        ? `[${t.value}]`
        : JSON.stringify(t.type === 'hex' ? 'hex literal' : t.value);

const oneOf = (items: string[]) =>
  items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;

/**
 * Parses an attribute-mapping expression (entra-expressions.md §1). Returns the tree or throws an
 * `ExpressionError` naming the line, the column and what was expected; never throws anything else.
 *
 * expression := value end
 * value      := operand [ ("=" | "<>" | ">" | ">=" | "<" | "<=") operand ]
 * operand    := name "(" [ arg { "," arg } ] ")" | "[" attribute "]" | string | number | &Hhex | bare-token
 * arg        := value | (nothing)
 */
export function parseExpression(text: string): ExpressionNode {
  const tokens = tokenize(text);
  let pos = 0;
  let depth = 0;

  const peek = () => tokens[pos];
  const fail = (t: Token, expected: string[], detail?: string): never => {
    throw new ExpressionError(
      'syntax',
      detail ?? `expected ${oneOf(expected)} but found ${describe(t)}`,
      text,
      t.start,
      expected,
    );
  };

  const OPERAND = ['a function call', 'an [attribute]', 'a "string"', 'a number'];

  function operand(): ExpressionNode {
    const t = tokens[pos];
    switch (t.type) {
      case 'attribute':
        pos++;
        return { kind: 'Attribute', name: t.value, start: t.start, end: t.end };
      case 'string':
        pos++;
        return { kind: 'Constant', value: t.value, form: 'string', start: t.start, end: t.end };
      case 'number':
        pos++;
        return { kind: 'Constant', value: t.value, form: 'number', raw: t.value, start: t.start, end: t.end };
      case 'hex':
        pos++;
        return {
          kind: 'Constant',
          value: t.value,
          form: 'hex',
          raw: text.slice(t.start, t.end),
          start: t.start,
          end: t.end,
        };
      case 'name':
        return nameOperand(t);
      default:
        return fail(t, OPERAND);
    }
  }

  function nameOperand(t: Token): ExpressionNode {
    pos++;
    if (peek().type !== '(') {
      const bare = BARE_BY_LOWER.get(t.value.toLowerCase());
      if (bare) return { kind: 'Token', name: bare, start: t.start, end: t.end };
      return fail(
        peek(),
        ['"("'],
        `expected "(" after the function name ${t.value} but found ${describe(peek())} (attributes are written [${t.value}], strings "${t.value}")`,
      );
    }
    if (++depth > MAX_NESTING) {
      throw new ExpressionError(
        'tooDeep',
        `functions are nested more than ${MAX_NESTING} levels deep`,
        text,
        t.start,
      );
    }
    pos++;
    const args: ExpressionNode[] = [];
    if (peek().type === ')') {
      const close = tokens[pos++];
      depth--;
      return { kind: 'Function', name: t.value, args, start: t.start, end: close.end };
    }
    for (;;) {
      const next = peek();
      if (next.type === ',' || next.type === ')') {
        args.push({ kind: 'Empty', start: next.start, end: next.start });
      } else {
        args.push(value([...OPERAND, '","', '")"']));
      }
      const sep = tokens[pos];
      if (sep.type === ',') {
        pos++;
        continue;
      }
      if (sep.type === ')') {
        pos++;
        depth--;
        return { kind: 'Function', name: t.value, args, start: t.start, end: sep.end };
      }
      const expected = ['","', '")"'];
      if (sep.type !== 'operator' && args[args.length - 1].kind !== 'Comparison')
        expected.push('a comparison operator');
      return fail(sep, expected);
    }
  }

  function value(expectedOperand: string[] = OPERAND): ExpressionNode {
    const first = tokens[pos];
    if (
      first.type !== 'name' &&
      first.type !== 'attribute' &&
      first.type !== 'string' &&
      first.type !== 'number' &&
      first.type !== 'hex'
    ) {
      return fail(first, expectedOperand);
    }
    const left = operand();
    const op = peek();
    if (op.type !== 'operator') return left;
    pos++;
    const right = operand();
    return {
      kind: 'Comparison',
      operator: op.value as ComparisonOperator,
      left,
      right,
      start: left.start,
      end: right.end,
    };
  }

  const root = value();
  const last = peek();
  if (last.type !== 'end') {
    fail(
      last,
      root.kind === 'Comparison'
        ? ['the end of the expression']
        : ['the end of the expression', 'a comparison operator'],
    );
  }
  return root;
}
