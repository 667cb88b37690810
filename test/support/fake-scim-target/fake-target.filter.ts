/**
 * The fake target's filter and attribute-path language (RFC 7644 §3.4.2.2, §3.5.2 PATH). Self-contained on
 * purpose: the fake must not share code with the gateway's own SCIM server, or a bug there would hide here.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export class FakeScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** `urn:…:User:manager.value`, `emails[type eq "work"].value`, `name.givenName`. */
export interface AttrPath {
  urn?: string;
  attr: string;
  filter?: FilterNode;
  sub?: string;
}

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterNode =
  | { kind: 'compare'; path: AttrPath; op: CompareOp; value: Json }
  | { kind: 'present'; path: AttrPath }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; expr: FilterNode }
  | { kind: 'any'; path: AttrPath };

const CORE_URN_PREFIX = 'urn:ietf:params:scim:schemas:core:2.0:';
/** Attributes compared case-sensitively (RFC 7643 §3.1, §4.1: caseExact). Everything else ignores case. */
const CASE_EXACT = new Set(['id', 'externalid']);

export const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function findKey(obj: JsonObject, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

export function getAttr(obj: JsonObject, name: string): Json | undefined {
  const key = findKey(obj, name);
  return key === undefined ? undefined : obj[key];
}

export const isCoreUrn = (urn: string): boolean => urn.toLowerCase().startsWith(CORE_URN_PREFIX);

/** Splits `urn:…:User:attr.sub` or `attr.sub` (no brackets) into its parts. */
export function splitAttrName(text: string): AttrPath {
  let rest = text;
  let urn: string | undefined;
  if (/^urn:/i.test(text)) {
    const colon = text.lastIndexOf(':');
    urn = text.slice(0, colon);
    rest = text.slice(colon + 1);
  }
  const dot = rest.indexOf('.');
  const attr = dot < 0 ? rest : rest.slice(0, dot);
  const sub = dot < 0 ? undefined : rest.slice(dot + 1);
  if (!/^[A-Za-z$][\w$-]*$/.test(attr) || (sub !== undefined && !/^[A-Za-z$][\w$-]*$/.test(sub))) {
    throw new FakeScimError(400, 'invalidPath', `Invalid attribute path "${text}"`);
  }
  return urn && !isCoreUrn(urn) ? { urn, attr, sub } : { attr, sub };
}

/** A PATCH path (RFC 7644 §3.5.2): `attrPath` or `valuePath [ "." subAttr ]`. */
export function parsePath(text: string): AttrPath {
  const open = text.indexOf('[');
  if (open < 0) return splitAttrName(text.trim());
  const close = text.lastIndexOf(']');
  if (close < open) throw new FakeScimError(400, 'invalidPath', `Unbalanced brackets in "${text}"`);
  const base = splitAttrName(text.slice(0, open).trim());
  const after = text.slice(close + 1).trim();
  if (after !== '' && !/^\.[A-Za-z$][\w$-]*$/.test(after)) {
    throw new FakeScimError(400, 'invalidPath', `Invalid sub-attribute after "]" in "${text}"`);
  }
  return {
    ...base,
    filter: parseFilter(text.slice(open + 1, close)),
    sub: after ? after.slice(1) : undefined,
  };
}

type Token = { type: 'word' | 'string' | '(' | ')' | '[' | ']'; text: string; value?: Json };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
    } else if ('()[]'.includes(c)) {
      tokens.push({ type: c as Token['type'], text: c });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < input.length && input[j] !== '"') j += input[j] === '\\' ? 2 : 1;
      if (j >= input.length) throw new FakeScimError(400, 'invalidFilter', 'Unterminated string in filter');
      const raw = input.slice(i, j + 1);
      tokens.push({ type: 'string', text: raw, value: JSON.parse(raw) as string });
      i = j + 1;
    } else {
      const m = /^[^\s()[\]"]+/.exec(input.slice(i));
      tokens.push({ type: 'word', text: m![0] });
      i += m![0].length;
    }
  }
  return tokens;
}

const COMPARE_OPS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);

export function parseFilter(input: string): FilterNode {
  const tokens = tokenize(input);
  let pos = 0;
  const peekWord = (): string | undefined =>
    tokens[pos]?.type === 'word' ? tokens[pos].text.toLowerCase() : undefined;
  const expect = (type: Token['type']): void => {
    if (tokens[pos]?.type !== type) throw new FakeScimError(400, 'invalidFilter', `Expected "${type}"`);
    pos++;
  };

  const parseOr = (): FilterNode => {
    let left = parseAnd();
    while (peekWord() === 'or') {
      pos++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): FilterNode => {
    let left = parseUnary();
    while (peekWord() === 'and') {
      pos++;
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): FilterNode => {
    if (peekWord() === 'not') {
      pos++;
      expect('(');
      const expr = parseOr();
      expect(')');
      return { kind: 'not', expr };
    }
    if (tokens[pos]?.type === '(') {
      pos++;
      const expr = parseOr();
      expect(')');
      return expr;
    }
    return parseComparison();
  };
  const parseComparison = (): FilterNode => {
    const word = tokens[pos];
    if (word?.type !== 'word') throw new FakeScimError(400, 'invalidFilter', 'Expected an attribute path');
    pos++;
    let path = splitAttrName(word.text);
    if (tokens[pos]?.type === '[') {
      pos++;
      const inner = parseOr();
      expect(']');
      path = { ...path, filter: inner };
      const next = tokens[pos];
      if (next?.type === 'word' && next.text.startsWith('.')) {
        path.sub = next.text.slice(1);
        pos++;
      } else {
        return { kind: 'any', path };
      }
    }
    const op = peekWord();
    if (op === 'pr') {
      pos++;
      return { kind: 'present', path };
    }
    if (!op || !COMPARE_OPS.has(op)) {
      throw new FakeScimError(400, 'invalidFilter', `Unknown operator after "${word.text}"`);
    }
    pos++;
    const v = tokens[pos++];
    if (!v || (v.type !== 'string' && v.type !== 'word')) {
      throw new FakeScimError(400, 'invalidFilter', `Missing value after "${op}"`);
    }
    return {
      kind: 'compare',
      path,
      op: op as CompareOp,
      value: v.type === 'string' ? v.value! : literal(v.text),
    };
  };

  const node = parseOr();
  if (pos !== tokens.length)
    throw new FakeScimError(400, 'invalidFilter', `Unexpected "${tokens[pos].text}"`);
  return node;
}

/** Unquoted values: JSON literals, numbers, or (Entra legacy, `externalId eq jyoung`) a bare string. */
function literal(text: string): Json {
  if (text === 'true' || text === 'false' || text === 'null') return JSON.parse(text) as Json;
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

/** Every value a path selects in a resource (multi-valued attributes flattened). */
export function selectValues(resource: JsonObject, path: AttrPath): Json[] {
  const container = path.urn ? getAttr(resource, path.urn) : resource;
  if (!isObject(container)) return [];
  const raw = getAttr(container, path.attr);
  let items = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  if (path.filter) {
    const filter = path.filter;
    items = items.filter((item) => isObject(item) && matchesFilter(item, filter));
  }
  if (path.sub === undefined) return items;
  const sub = path.sub;
  return items.flatMap((item) => {
    const v = isObject(item) ? getAttr(item, sub) : undefined;
    return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
  });
}

export function matchesFilter(resource: JsonObject, node: FilterNode): boolean {
  switch (node.kind) {
    case 'and':
      return matchesFilter(resource, node.left) && matchesFilter(resource, node.right);
    case 'or':
      return matchesFilter(resource, node.left) || matchesFilter(resource, node.right);
    case 'not':
      return !matchesFilter(resource, node.expr);
    case 'any':
      return selectValues(resource, node.path).length > 0;
    case 'present':
      return selectValues(resource, node.path).some((v) => v !== '' && !(Array.isArray(v) && v.length === 0));
    case 'compare': {
      const caseExact = CASE_EXACT.has((node.path.sub ?? node.path.attr).toLowerCase());
      // A complex multi-valued attribute compared without a sub-attribute compares its `value` (RFC 7644 §3.4.2.2).
      const values = selectValues(resource, node.path).map((v) => (isObject(v) ? (v.value ?? null) : v));
      const found = values.some((v) => compare(v, node.op, node.value, caseExact));
      return node.op === 'ne' ? values.every((v) => compare(v, 'ne', node.value, caseExact)) : found;
    }
  }
}

function compare(actual: Json, op: CompareOp, expected: Json, caseExact: boolean): boolean {
  if (typeof actual === 'string' && typeof expected === 'string') {
    const a = caseExact ? actual : actual.toLowerCase();
    const e = caseExact ? expected : expected.toLowerCase();
    switch (op) {
      case 'eq':
        return a === e;
      case 'ne':
        return a !== e;
      case 'co':
        return a.includes(e);
      case 'sw':
        return a.startsWith(e);
      case 'ew':
        return a.endsWith(e);
      case 'gt':
        return a > e;
      case 'ge':
        return a >= e;
      case 'lt':
        return a < e;
      case 'le':
        return a <= e;
    }
  }
  if (op === 'eq') return actual === expected;
  if (op === 'ne') return actual !== expected;
  if (typeof actual === 'number' && typeof expected === 'number') {
    return op === 'gt'
      ? actual > expected
      : op === 'ge'
        ? actual >= expected
        : op === 'lt'
          ? actual < expected
          : op === 'le' && actual <= expected;
  }
  return false;
}
