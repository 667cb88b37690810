/**
 * Renders a request for the provisioning log with credentials and secret attributes masked. Entra writes
 * `[Redacted]` in its logs for passwords (reference §6); so do we, for every attribute a target marks secret
 * (the password, and every value a mapping passes through `Redact()`).
 */
export const REDACTED = '[Redacted]';

/** Always secret, whatever the target says (RFC 7643 §4.1.1: password is never returned). */
const ALWAYS_SECRET = ['password'];
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);

export interface LoggableRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface RedactOptions {
  /**
   * Attribute paths to mask: a simple name (`password`) masks it at any depth and under any schema URN; a dotted
   * (`name.givenName`) or URN-qualified path masks only that attribute. Case-insensitive, as SCIM names are.
   */
  secretAttributes?: readonly string[];
}

export function redactRequest(request: LoggableRequest, options: RedactOptions = {}): LoggableRequest {
  const out: LoggableRequest = { method: request.method, url: request.url };
  if (request.headers) out.headers = redactHeaders(request.headers);
  if (request.body !== undefined) out.body = redactBody(request.body, options);
  return out;
}

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!SECRET_HEADERS.has(name.toLowerCase())) out[name] = value;
    else {
      // Keep the scheme (`Bearer`, `Basic`): it helps diagnose auth problems and reveals nothing.
      const scheme = /^(\w+)\s+\S/.exec(value)?.[1];
      out[name] = scheme ? `${scheme} ${REDACTED}` : REDACTED;
    }
  }
  return out;
}

/**
 * Masks secret attributes in a SCIM resource or PatchOp body (`Operations[].path` and path-less value keys). A body
 * that names no secret comes back as itself, not a copy: the caller must not change what it gets.
 */
export function redactBody(body: unknown, options: RedactOptions = {}): unknown {
  const compiled = compiledSecrets(options.secretAttributes);
  // Most bodies hold no secret attribute at all: kept as they are, without a copy (one per request logged).
  if (!mayHoldSecret(body, compiled)) return body;
  const isSecret = compiled.isSecret;
  if (isRecord(body) && Array.isArray(body.Operations)) {
    return {
      ...body,
      Operations: body.Operations.map((op: unknown) => {
        if (!isRecord(op)) return op;
        if (typeof op.path === 'string') {
          return isSecret(op.path)
            ? { ...op, value: REDACTED }
            : { ...op, value: walk(op.value, op.path, isSecret) };
        }
        return { ...op, value: walk(op.value, '', isSecret) };
      }),
    };
  }
  return walk(body, '', isSecret);
}

/** Whether an attribute path (`nickName`, `emails[type eq "work"].value`) is masked in the log, `password` included. */
export function isSecretAttribute(path: string, options: RedactOptions = {}): boolean {
  return matcherFor(options.secretAttributes)(path);
}

/**
 * A target's answer as the log keeps it: a JSON body with the same attributes masked (a target echoes the values it
 * was sent, Redact()ed ones included); any other text as it is.
 */
export function redactResponseText(text: string, options: RedactOptions = {}): string {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return text;
  // Most answers name no secret attribute at all: kept as they are without a parse (one per request sent). A key is
  // matched by its last segment; an escaped key (`\u…`) is parsed to be sure.
  const lower = text.toLowerCase();
  const names = lastSegmentsOf(options.secretAttributes);
  if (!lower.includes('\\u') && !names.some((n) => lower.includes(n))) return text;
  try {
    return JSON.stringify(redactBody(JSON.parse(text) as unknown, options));
  } catch {
    return text;
  }
}

function walk(value: unknown, path: string, isSecret: (path: string) => boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => walk(item, path, isSecret));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    // Keys may themselves be paths: `name.givenName` or `urn:…:User:employeeNumber` (Entra's path-less replace).
    const childPath =
      path === '' || /^urn:/i.test(key) ? key : isSchemaUrn(path) ? `${path}:${key}` : `${path}.${key}`;
    out[key] = isSecret(childPath) ? REDACTED : walk(v, childPath, isSecret);
  }
  return out;
}

/**
 * Whether a body may hold a secret attribute: whether any of its keys (or a PatchOp's `path`) has a segment that is
 * the last segment of a secret. Every path the matcher masks holds such a segment, and every segment of a path is one
 * of a key it is built from (or of the `path`), so a body without one needs no walk. Keys repeat from request to
 * request (`userName`, `emails`, `value`): each is split once per list of secrets.
 */
function mayHoldSecret(value: unknown, compiled: CompiledSecrets): boolean {
  if (Array.isArray(value)) return value.some((item) => mayHoldSecret(item, compiled));
  if (!isRecord(value)) return false;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    if (namesSecret(key, compiled)) return true;
    const v = value[key];
    if (key === 'path' && typeof v === 'string' && splitNamesSecret(v, compiled)) return true;
    if (typeof v === 'object' && v !== null && mayHoldSecret(v, compiled)) return true;
  }
  return false;
}

function namesSecret(key: string, compiled: CompiledSecrets): boolean {
  let hit = compiled.keys.get(key);
  if (hit === undefined) {
    hit = splitNamesSecret(key, compiled);
    if (compiled.keys.size >= 4096) compiled.keys.clear();
    compiled.keys.set(key, hit);
  }
  return hit;
}

/** Uncached, for a PatchOp's `path` (`members[value eq "…"]` differs from request to request). */
function splitNamesSecret(name: string, compiled: CompiledSecrets): boolean {
  return (
    name.includes('\\') ||
    name
      .replace(/\[[^\]]*\]/g, '')
      .toLowerCase()
      .split(/[.:]/)
      .some((segment) => compiled.lastSegments.includes(segment))
  );
}

/** `urn:…:enterprise:2.0:User` names a schema (its last segment is capitalised); `urn:…:User:manager` an attribute. */
function isSchemaUrn(path: string): boolean {
  return /^urn:/i.test(path) && /:[A-Z][A-Za-z]*$/.test(path);
}

/**
 * A target's secret attributes are the same for every request of an attempt, and usually none: the matcher and the
 * names a response is scanned for are built once per list, not once per request or logged property.
 */
interface CompiledSecrets {
  isSecret: (path: string) => boolean;
  lastSegments: string[];
  /** Keys seen, and whether one names a secret (`namesSecret`). */
  keys: Map<string, boolean>;
}

const matchers = new Map<string, CompiledSecrets>();

function compiledSecrets(extra: readonly string[] | undefined) {
  const key = extra && extra.length > 0 ? extra.join('\n') : '';
  let hit = matchers.get(key);
  if (!hit) {
    if (matchers.size >= 256) matchers.clear();
    const secrets = [...ALWAYS_SECRET, ...(extra ?? [])];
    hit = {
      keys: new Map(),
      isSecret: secretMatcher(secrets),
      lastSegments: secrets.map((s) =>
        s
          .replace(/\[[^\]]*\]/g, '')
          .toLowerCase()
          .split(/[.:]/)
          .pop()!,
      ),
    };
    matchers.set(key, hit);
  }
  return hit;
}

const matcherFor = (extra: readonly string[] | undefined) => compiledSecrets(extra).isSecret;
const lastSegmentsOf = (extra: readonly string[] | undefined) => compiledSecrets(extra).lastSegments;

/** Normalises `urn:…:User:name.givenName`, `emails[type eq "work"].value` to comparable lowercase segments. */
function secretMatcher(secrets: readonly string[]): (path: string) => boolean {
  const normalise = (p: string) => p.replace(/\[[^\]]*\]/g, '').toLowerCase();
  const simple = new Set(secrets.filter((s) => !/[.:]/.test(s)).map((s) => s.toLowerCase()));
  const qualified = secrets.filter((s) => /[.:]/.test(s)).map(normalise);
  return (path) => {
    const p = normalise(path);
    if (qualified.some((q) => p === q || p.endsWith(`:${q}`))) return true;
    const attribute = p.startsWith('urn:') ? p.slice(p.lastIndexOf(':') + 1) : p;
    return attribute.split('.').some((segment) => simple.has(segment));
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
