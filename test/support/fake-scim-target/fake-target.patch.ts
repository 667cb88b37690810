/**
 * PATCH for the fake target (RFC 7644 §3.5.2) plus the shapes Entra sends (reference/entra-outbound-scim.md §2-§3):
 * capitalised ops, path-less replace keyed by dotted and URN paths, members removal with a value array.
 */
import {
  AttrPath,
  FakeScimError,
  Json,
  JsonObject,
  findKey,
  isObject,
  matchesFilter,
  parsePath,
  splitAttrName,
} from './fake-target.filter';

export const PATCH_OP_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const MULTI_VALUED = new Set([
  'emails',
  'phonenumbers',
  'ims',
  'photos',
  'addresses',
  'groups',
  'entitlements',
  'roles',
  'x509certificates',
  'members',
]);
const READ_ONLY = new Set(['id', 'meta', 'schemas']);

type Op = 'add' | 'replace' | 'remove';

/**
 * How some real apps get PATCH wrong while answering 200: `dropCapitalisedOps` skips operations whose `op` is not
 * lowercase (Entra's "Add"/"Replace"/"Remove"); `misplaceExtensionPaths` stores a value addressed by an extension
 * attribute's URN path (`urn:…:User:department`, as a path or as a path-less key) under a top-level attribute of
 * that literal name instead of inside the extension (a whole extension object is still applied right).
 */
export interface PatchQuirks {
  dropCapitalisedOps?: boolean;
  misplaceExtensionPaths?: boolean;
}

const EXTENSION_ATTRIBUTE = /^urn:.+:[^:[\].]+$/i;

/** Applies a PatchOp request body to a copy of `resource` and returns the copy. */
export function applyPatch(resource: JsonObject, body: unknown, quirks: PatchQuirks = {}): JsonObject {
  if (!isObject(body) || !Array.isArray(body.schemas) || !body.schemas.includes(PATCH_OP_URN)) {
    throw new FakeScimError(400, 'invalidSyntax', `A PATCH body must list the schema ${PATCH_OP_URN}`);
  }
  const operations = body.Operations;
  if (!Array.isArray(operations) || operations.length === 0) {
    throw new FakeScimError(400, 'invalidSyntax', 'A PATCH body needs a non-empty "Operations" array');
  }
  const doc = structuredClone(resource);
  for (const operation of operations) {
    if (!isObject(operation))
      throw new FakeScimError(400, 'invalidSyntax', 'Each operation must be an object');
    const op = typeof operation.op === 'string' ? operation.op.toLowerCase() : '';
    if (op !== 'add' && op !== 'replace' && op !== 'remove') {
      throw new FakeScimError(400, 'invalidSyntax', `Unknown PATCH op ${JSON.stringify(operation.op)}`);
    }
    if (quirks.dropCapitalisedOps && operation.op !== op) continue;
    const path =
      typeof operation.path === 'string' && operation.path.trim() !== '' ? operation.path : undefined;
    if (path && quirks.misplaceExtensionPaths && EXTENSION_ATTRIBUTE.test(path)) {
      if (op === 'remove') delete doc[path];
      else doc[path] = operation.value!;
    } else if (path) {
      applyAt(doc, parsePath(path), op, operation.value);
    } else if (op === 'remove') {
      throw new FakeScimError(400, 'noTarget', 'A remove operation needs a path (RFC 7644 §3.5.2.2)');
    } else if (!isObject(operation.value)) {
      throw new FakeScimError(400, 'invalidValue', 'A PATCH without a path needs an object value');
    } else {
      applyPathless(doc, op, operation.value, quirks);
    }
  }
  return doc;
}

/** Keys may be plain attributes, dotted sub-attributes, URN-qualified attributes, or a whole extension object. */
function applyPathless(doc: JsonObject, op: Op, value: JsonObject, quirks: PatchQuirks): void {
  for (const [key, v] of Object.entries(value)) {
    const extensionObject = /^urn:/i.test(key) && isObject(v) && isSchemaUrn(doc, key);
    if (extensionObject) {
      for (const [inner, innerValue] of Object.entries(v)) {
        applyAt(doc, splitAttrName(`${key}:${inner}`), op, innerValue);
      }
    } else if (quirks.misplaceExtensionPaths && EXTENSION_ATTRIBUTE.test(key)) {
      doc[key] = v;
    } else {
      applyAt(doc, splitAttrName(key), op, v);
    }
  }
}

function isSchemaUrn(doc: JsonObject, key: string): boolean {
  const schemas = Array.isArray(doc.schemas) ? doc.schemas : [];
  return (
    schemas.some((s) => typeof s === 'string' && s.toLowerCase() === key.toLowerCase()) ||
    /:2\.0:[A-Z][A-Za-z]*$/.test(key)
  );
}

function containerFor(doc: JsonObject, path: AttrPath, create: boolean): JsonObject | undefined {
  if (!path.urn) return doc;
  const key = findKey(doc, path.urn) ?? path.urn;
  if (!isObject(doc[key])) {
    if (!create) return undefined;
    doc[key] = {};
    if (Array.isArray(doc.schemas) && !doc.schemas.includes(path.urn)) doc.schemas.push(path.urn);
  }
  return doc[key];
}

function applyAt(doc: JsonObject, path: AttrPath, op: Op, value: Json | undefined): void {
  if (!path.urn && READ_ONLY.has(path.attr.toLowerCase())) {
    if (path.attr.toLowerCase() === 'meta') return;
    throw new FakeScimError(400, 'mutability', `"${path.attr}" is read-only`);
  }
  if (op !== 'remove' && value === undefined) {
    throw new FakeScimError(400, 'invalidValue', `"${op}" needs a value`);
  }
  const container = containerFor(doc, path, op !== 'remove');
  if (!container) return;
  const key = findKey(container, path.attr) ?? path.attr;
  if (path.filter) return applyWithFilter(container, key, path, op, value);

  const current = container[key];
  if (path.sub !== undefined) {
    const items = Array.isArray(current) ? current : [current];
    if (op === 'remove') {
      for (const item of items) if (isObject(item)) delete item[findKey(item, path.sub) ?? path.sub];
      return;
    }
    if (current === undefined || current === null) container[key] = {};
    for (const item of Array.isArray(container[key]) ? container[key] : [container[key]]) {
      if (isObject(item)) item[findKey(item, path.sub) ?? path.sub] = value!;
    }
    return;
  }

  if (op === 'remove') {
    // Entra without aadOptscim062020: {"op":"Remove","path":"members","value":[{"value":"<id>"}]} (§2.14).
    if (Array.isArray(current) && Array.isArray(value) && value.length > 0) {
      const drop = new Set(value.map(identity));
      container[key] = current.filter((item) => !drop.has(identity(item)));
    } else {
      delete container[key];
    }
    return;
  }
  const multiValued = MULTI_VALUED.has(path.attr.toLowerCase()) || Array.isArray(current);
  if (multiValued) {
    const incoming = Array.isArray(value) ? value : [value!];
    if (op === 'replace' || !Array.isArray(current)) {
      container[key] = incoming;
    } else {
      const seen = new Set(current.map(identity));
      for (const item of incoming) {
        const id = identity(item);
        if (!seen.has(id)) current.push(item);
        seen.add(id);
      }
    }
  } else if (isObject(current) && isObject(value)) {
    // Replacing a complex attribute replaces the sub-attributes given and keeps the others (§3.5.2.3).
    for (const [k, v] of Object.entries(value)) current[findKey(current, k) ?? k] = v;
  } else {
    container[key] = value!;
  }
}

function applyWithFilter(
  container: JsonObject,
  key: string,
  path: AttrPath,
  op: Op,
  value: Json | undefined,
): void {
  const filter = path.filter!;
  const current = container[key];
  const items = Array.isArray(current) ? current : [];
  const matched = items.filter((item) => isObject(item) && matchesFilter(item, filter)) as JsonObject[];
  if (op === 'remove') {
    if (path.sub === undefined) {
      container[key] = items.filter((item) => !matched.includes(item as JsonObject));
    } else {
      for (const item of matched) delete item[findKey(item, path.sub) ?? path.sub];
    }
    return;
  }
  if (matched.length === 0) {
    // §3.5.2.3: replace with a value filter that matches nothing is a noTarget error.
    if (op === 'replace') {
      throw new FakeScimError(400, 'noTarget', `No value of "${path.attr}" matches the filter`);
    }
    const fresh = equalityTemplate(filter);
    if (path.sub !== undefined) fresh[path.sub] = value!;
    else if (isObject(value)) Object.assign(fresh, value);
    container[key] = [...items, fresh];
    return;
  }
  for (const item of matched) {
    if (path.sub !== undefined) item[findKey(item, path.sub) ?? path.sub] = value!;
    else if (isObject(value)) Object.assign(item, value);
  }
}

/** Multi-valued elements are the same when their `value` is (members, emails), else when they are equal. */
function identity(item: Json): string {
  return JSON.stringify(isObject(item) && item.value !== undefined ? item.value : item);
}

/** `type eq "work"` → `{type: "work"}`: the new element an `add` through a value filter creates. */
function equalityTemplate(filter: NonNullable<AttrPath['filter']>): JsonObject {
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.path.sub === undefined) {
    return { [filter.path.attr]: filter.value };
  }
  if (filter.kind === 'and') return { ...equalityTemplate(filter.left), ...equalityTemplate(filter.right) };
  return {};
}
