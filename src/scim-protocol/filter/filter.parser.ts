import { InvalidFilterError } from '../../common/errors';
import {
  COMPARE_OPERATORS,
  type CompareOperator,
  type Filter,
  type FilterValue,
  type PatchPath,
} from './filter.ast';

export const MAX_FILTER_LENGTH = 10_000;
/** Bounds recursion (and the SQL expression depth SQLite accepts) on hostile input. */
const MAX_DEPTH = 64;
const MAX_PREDICATES = 200;

const PATH_CHAR = /[A-Za-z0-9_$\-:.]/;
const NAME = /^[A-Za-z0-9_$-]+$/;
/** An attribute without a sub-attribute, possibly URN-qualified: what a value filter may follow. */
const SINGLE_ATTRIBUTE = /^(?:.*:)?[A-Za-z0-9_$-]+$/;
const WHITESPACE = /[ \t\r\n]/;
const UNQUOTED_END = /[ \t\r\n()[\]]/;
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const OPERATOR_WORDS = new Set<string>([...COMPARE_OPERATORS, 'pr']);

/**
 * Parses an RFC 7644 §3.4.2.2 filter. Precedence: not > and > or. Beyond the ABNF, and because real clients send
 * them: unquoted values (`externalId eq jyoung`, Entra's legacy tutorial), `True`/`False`/`NULL` in any case,
 * `not` without parentheses, and `attr[filter] pr`. Every failure is an InvalidFilterError with a 0-based position.
 */
export function parseFilter(text: string): Filter {
  const parser = new FilterParser(text);
  const filter = parser.parseOr(false);
  parser.expectEnd();
  return filter;
}

/** Parses a PATCH `path` (RFC 7644 §3.5.2): `attrPath` or `valuePath [ "." subAttr ]`. */
export function parsePatchPath(text: string): PatchPath {
  const parser = new FilterParser(text);
  const result = parser.parsePatchPath();
  parser.expectEnd();
  return result;
}

class FilterParser {
  private pos = 0;
  private depth = 0;
  private predicates = 0;

  constructor(private readonly text: string) {
    if (typeof text !== 'string') throw new InvalidFilterError('The filter must be a string', 0);
    if (text.length > MAX_FILTER_LENGTH) {
      throw new InvalidFilterError(
        `The filter is longer than ${MAX_FILTER_LENGTH} characters`,
        MAX_FILTER_LENGTH,
      );
    }
  }

  parseOr(inner: boolean): Filter {
    let left = this.parseAnd(inner);
    while (this.acceptKeyword('or')) left = { type: 'or', left, right: this.parseAnd(inner) };
    return left;
  }

  parsePatchPath(): PatchPath {
    this.skipSpace();
    const start = this.pos;
    const path = this.readPath();
    if (this.peek() !== '[') return { path };
    if (!SINGLE_ATTRIBUTE.test(path)) this.fail('A value filter applies to an attribute', start);
    const filter = this.parseBracket();
    if (this.peek() !== '.') return { path, filter };
    this.pos++;
    return { path, filter, subAttribute: this.readName() };
  }

  expectEnd(): void {
    this.skipSpace();
    if (this.pos < this.text.length) this.fail('Unexpected character');
  }

  private parseAnd(inner: boolean): Filter {
    let left = this.parseUnary(inner);
    while (this.acceptKeyword('and')) left = { type: 'and', left, right: this.parseUnary(inner) };
    return left;
  }

  private parseUnary(inner: boolean): Filter {
    this.enter();
    try {
      this.skipSpace();
      if (this.peek() === '(') {
        this.pos++;
        const filter = this.parseOr(inner);
        this.expect(')');
        return filter;
      }
      if (this.isNegation()) return { type: 'not', filter: this.parseUnary(inner) };
      return this.parseAttributeExpression(inner);
    } finally {
      this.depth--;
    }
  }

  /** `not` is a keyword when a parenthesis, a value path or an operator follows; otherwise an attribute name. */
  private isNegation(): boolean {
    const start = this.pos;
    if (this.readWordAt(start).toLowerCase() !== 'not') return false;
    this.pos = start + 3;
    this.skipSpace();
    if (this.peek() === '(') return true;
    const next = this.readWordAt(this.pos);
    let after = this.pos + next.length;
    while (after < this.text.length && WHITESPACE.test(this.text[after])) after++;
    const follower = this.text[after];
    const negation =
      next.length > 0 &&
      (follower === '[' ||
        OPERATOR_WORDS.has(this.readWordAt(after).toLowerCase()) ||
        next.toLowerCase() === 'not');
    if (!negation) this.pos = start;
    return negation;
  }

  private parseAttributeExpression(inner: boolean): Filter {
    const start = this.pos;
    const path = this.readPath();
    if (inner && !NAME.test(path)) this.fail('Expected a sub-attribute name inside a value filter', start);
    if (this.peek() === '[') {
      if (inner) this.fail('Value filters cannot be nested', this.pos);
      if (!SINGLE_ATTRIBUTE.test(path)) this.fail('A value filter applies to an attribute', start);
      const filter = this.parseBracket();
      // `emails[type eq "work"].value eq "x"` and SCIMMY's `emails[type eq "work"] pr`.
      let sub = 'value';
      if (this.peek() === '.') {
        this.pos++;
        sub = this.readName();
      } else {
        const save = this.pos;
        this.skipSpace();
        const word = this.readWordAt(this.pos).toLowerCase();
        this.pos = save;
        if (!OPERATOR_WORDS.has(word)) return { type: 'valuePath', path, filter };
        if (word === 'pr') {
          this.readOperator();
          return { type: 'valuePath', path, filter };
        }
      }
      const tail = this.parseComparison(sub);
      return { type: 'valuePath', path, filter: { type: 'and', left: filter, right: tail } };
    }
    return this.parseComparison(path);
  }

  private parseComparison(path: string): Filter {
    const op = this.readOperator();
    this.countPredicate();
    if (op === 'pr') return { type: 'present', path };
    const { value, raw } = this.readValue();
    return raw === undefined
      ? { type: 'compare', path, op, value }
      : { type: 'compare', path, op, value, raw };
  }

  private parseBracket(): Filter {
    const open = this.pos;
    this.pos++;
    this.enter();
    const filter = this.parseOr(true);
    this.depth--;
    this.skipSpace();
    if (this.peek() !== ']')
      this.fail(this.pos < this.text.length ? "Expected ']'" : `Unclosed '[' at ${open}`);
    this.pos++;
    return filter;
  }

  private readPath(): string {
    this.skipSpace();
    const start = this.pos;
    while (this.pos < this.text.length && PATH_CHAR.test(this.text[this.pos])) this.pos++;
    const path = this.text.slice(start, this.pos);
    if (!path)
      this.fail(
        this.pos < this.text.length ? 'Expected an attribute path' : 'Unexpected end of filter',
        start,
      );
    const colon = path.lastIndexOf(':');
    const names = path.slice(colon + 1).split('.');
    const urnOk = colon === -1 || (colon > 0 && /^[A-Za-z]/.test(path));
    if (!urnOk || names.length > 2 || names.some((n) => !NAME.test(n))) {
      this.fail('Invalid attribute path', start);
    }
    return path;
  }

  private readName(): string {
    const start = this.pos;
    while (this.pos < this.text.length && /[A-Za-z0-9_$-]/.test(this.text[this.pos])) this.pos++;
    if (this.pos === start) this.fail('Expected a sub-attribute name', start);
    return this.text.slice(start, this.pos);
  }

  private readOperator(): CompareOperator | 'pr' {
    this.skipSpace();
    const start = this.pos;
    const word = this.readWordAt(start);
    const op = word.toLowerCase();
    if (!OPERATOR_WORDS.has(op)) {
      this.fail(word ? 'Unknown operator' : 'Expected an operator', start);
    }
    this.pos = start + word.length;
    return op as CompareOperator | 'pr';
  }

  private readValue(): { value: FilterValue; raw?: string } {
    this.skipSpace();
    const start = this.pos;
    if (this.peek() === '"') return { value: this.readString() };
    while (this.pos < this.text.length && !UNQUOTED_END.test(this.text[this.pos])) this.pos++;
    const token = this.text.slice(start, this.pos);
    if (!token) this.fail('Expected a value', start);
    if (token.includes('"')) this.fail("Unexpected '\"' in an unquoted value", start + token.indexOf('"'));
    const lower = token.toLowerCase();
    if (lower === 'true' || lower === 'false') return { value: lower === 'true' };
    if (lower === 'null') return { value: null };
    if (JSON_NUMBER.test(token)) {
      const value = Number(token);
      if (Number.isFinite(value)) return String(value) === token ? { value } : { value, raw: token };
    }
    return { value: token };
  }

  /** A JSON string (RFC 8259 §7), as RFC 7644 §3.4.2.2 requires for string values. */
  private readString(): string {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.text.length && this.text[this.pos] !== '"') {
      this.pos += this.text[this.pos] === '\\' ? 2 : 1;
    }
    if (this.pos >= this.text.length) this.fail('Unterminated string', start);
    this.pos++;
    try {
      return JSON.parse(this.text.slice(start, this.pos)) as string;
    } catch {
      return this.fail('Invalid string escape or control character', start);
    }
  }

  private readWordAt(at: number): string {
    let end = at;
    while (end < this.text.length && PATH_CHAR.test(this.text[end])) end++;
    return this.text.slice(at, end);
  }

  private acceptKeyword(word: 'and' | 'or'): boolean {
    const save = this.pos;
    this.skipSpace();
    const found = this.readWordAt(this.pos);
    if (found.toLowerCase() === word) {
      this.pos += word.length;
      return true;
    }
    this.pos = save;
    return false;
  }

  private expect(char: string): void {
    this.skipSpace();
    if (this.peek() !== char)
      this.fail(this.pos < this.text.length ? `Expected '${char}'` : 'Unexpected end of filter');
    this.pos++;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail('The filter is nested too deeply');
  }

  private countPredicate(): void {
    if (++this.predicates > MAX_PREDICATES)
      this.fail(`The filter has more than ${MAX_PREDICATES} comparisons`);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && WHITESPACE.test(this.text[this.pos])) this.pos++;
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private fail(message: string, position = this.pos): never {
    throw new InvalidFilterError(message, position);
  }
}
