import { ExpressionError } from './expression-error';

export type TokenType =
  'name' | 'attribute' | 'string' | 'number' | 'hex' | 'operator' | '(' | ')' | ',' | 'end';

export interface Token {
  type: TokenType;
  /** Decoded value: the string's content, the attribute name, the hex literal in decimal, or the text. */
  value: string;
  start: number;
  end: number;
}

export const MAX_EXPRESSION_LENGTH = 10_000;

const isNameStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isNamePart = (c: number) => isNameStart(c) || isDigit(c);
const isHexDigit = (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0 || c === 0xfeff;

/** Splits an expression into tokens (§1.1 of entra-expressions.md). */
export function tokenize(text: string): Token[] {
  if (text.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(
      'tooLong',
      `an expression is at most ${MAX_EXPRESSION_LENGTH.toLocaleString('en-US')} characters; this one has ${text.length.toLocaleString('en-US')}`,
      text,
      MAX_EXPRESSION_LENGTH,
    );
  }
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === 40 || c === 41 || c === 44) {
      const ch = text[i] as '(' | ')' | ',';
      tokens.push({ type: ch, value: ch, start, end: ++i });
    } else if (c === 34) {
      i = readString(text, i, tokens);
    } else if (c === 91) {
      i = readAttribute(text, i, tokens);
    } else if (isDigit(c) || (c === 45 && isDigit(text.charCodeAt(i + 1)))) {
      i++;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) === 46 && isDigit(text.charCodeAt(i + 1))) {
        i++;
        while (i < n && isDigit(text.charCodeAt(i))) i++;
      }
      tokens.push({ type: 'number', value: text.slice(start, i), start, end: i });
    } else if (c === 38) {
      // VBA hex literal: &HF (§1.1, BitAnd).
      if (text[i + 1] !== 'H' && text[i + 1] !== 'h') {
        throw new ExpressionError(
          'syntax',
          'expected "H" after "&" (hex literals are written &HFF)',
          text,
          i + 1,
          ['"H"'],
        );
      }
      i += 2;
      while (i < n && isHexDigit(text.charCodeAt(i))) i++;
      if (i === start + 2) {
        throw new ExpressionError('syntax', 'expected hex digits after "&H"', text, i, ['hex digit']);
      }
      tokens.push({ type: 'hex', value: BigInt('0x' + text.slice(start + 2, i)).toString(), start, end: i });
    } else if (isNameStart(c)) {
      while (i < n && isNamePart(text.charCodeAt(i))) i++;
      tokens.push({ type: 'name', value: text.slice(start, i), start, end: i });
    } else if (c === 61) {
      tokens.push({ type: 'operator', value: '=', start, end: ++i });
    } else if (c === 60 || c === 62) {
      const next = text[i + 1];
      const op =
        c === 60 && (next === '>' || next === '=') ? '<' + next : c === 62 && next === '=' ? '>=' : text[i];
      i += op.length;
      tokens.push({ type: 'operator', value: op, start, end: i });
    } else {
      throw unexpectedCharacter(text, i);
    }
  }
  tokens.push({ type: 'end', value: '', start: n, end: n });
  return tokens;
}

function unexpectedCharacter(text: string, i: number): ExpressionError {
  const ch = String.fromCodePoint(text.codePointAt(i) ?? 0);
  const hint =
    ch === "'"
      ? '; string constants use double quotes'
      : ch === ']'
        ? '; there is no "[" to close'
        : ch === '!' || ch === '&'
          ? '; there are no logical operators, nest IIF instead'
          : '';
  return new ExpressionError('syntax', `unexpected character ${JSON.stringify(ch)}${hint}`, text, i);
}

/** `"..."`: only `\\` and `\"` are escapes; any other backslash is kept as written (§1.1 regex strings). */
function readString(text: string, start: number, tokens: Token[]): number {
  let i = start + 1;
  let value = '';
  let chunk = i;
  for (;;) {
    const j = text.indexOf('"', i);
    const k = text.indexOf('\\', i);
    if (j < 0 && (k < 0 || k === text.length - 1)) {
      throw new ExpressionError(
        'syntax',
        "unterminated string constant: expected a closing '\"'",
        text,
        start,
        ["'\"'"],
      );
    }
    if (k >= 0 && (j < 0 || k < j)) {
      const next = text[k + 1];
      if (next === '\\' || next === '"') {
        value += text.slice(chunk, k) + next;
        chunk = i = k + 2;
      } else {
        i = k + 1;
      }
      continue;
    }
    value += text.slice(chunk, j);
    tokens.push({ type: 'string', value, start, end: j + 1 });
    return j + 1;
  }
}

/**
 * `[name]`. Names may hold colons, dots, URNs and a SCIM value filter, so brackets nest and a quoted
 * filter value may contain `]`: `[emails[type eq "work"].value]`.
 */
function readAttribute(text: string, start: number, tokens: Token[]): number {
  let depth = 1;
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const close = text.indexOf('"', i + 1);
      if (close < 0) break;
      i = close + 1;
      continue;
    }
    if (c === 91) depth++;
    else if (c === 93 && --depth === 0) {
      const name = text.slice(start + 1, i).trim();
      if (!name)
        throw new ExpressionError(
          'syntax',
          'expected an attribute name between "[" and "]"',
          text,
          start + 1,
          ['attribute name'],
        );
      tokens.push({ type: 'attribute', value: name, start, end: i + 1 });
      return i + 1;
    }
    i++;
  }
  throw new ExpressionError('syntax', 'unterminated attribute reference: expected "]"', text, start, ['"]"']);
}
