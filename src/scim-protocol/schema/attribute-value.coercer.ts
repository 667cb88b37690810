import { InvalidRequestError } from '../../common/errors';
import { isPlainObject } from '../json-value.util';
import { normalizeDateTime } from './date-time.util';
import type { AttributeDefinition } from './schema.types';
import { dropUnknownAttribute, type UnknownAttributeOptions } from './unknown-attributes';

export interface CoerceOptions extends UnknownAttributeOptions {
  /** Enforce canonicalValues (custom extensions only; for core schemas they are advisory, RFC 7643 §2.3.1). */
  enforceCanonicalValues: boolean;
}

const BASE64 = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;

function invalid(path: string, why: string): never {
  throw new InvalidRequestError(`Attribute '${path}' ${why}`, 'invalidValue');
}

/** Entra sends booleans as "True"/"False" (entra-outbound-scim.md §3); accept any case. */
export function coerceBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

/**
 * Checks and converts one attribute value against its definition. Returns undefined for an unassigned value: null,
 * an empty array or an empty complex value are all "no value" (RFC 7643 §2.5). Errors name the path, never the value.
 */
export function coerceAttributeValue(
  definition: AttributeDefinition,
  raw: unknown,
  path: string,
  options: CoerceOptions,
): unknown {
  if (raw === null || raw === undefined) return undefined;
  if (definition.multiValued) {
    // A lone value for a multi-valued attribute is taken as a one-element list.
    const items = (Array.isArray(raw) ? raw : [raw])
      .map((item: unknown) => coerceSingleValue(definition, item, path, options))
      .filter((item) => item !== undefined);
    if (items.length === 0) return undefined;
    if (definition.type === 'complex') {
      // RFC 7643 §2.4: "primary" true MUST appear no more than once.
      const primaries = items.filter((item) => isPlainObject(item) && item.primary === true).length;
      if (primaries > 1) invalid(path, 'has more than one primary value');
    }
    return items;
  }
  if (Array.isArray(raw)) {
    // Entra's legacy manager update sends a one-element array for the single-valued manager (§2.17).
    if (raw.length === 0) return undefined;
    if (raw.length > 1) invalid(path, 'is single-valued');
    return coerceSingleValue(definition, raw[0], path, options);
  }
  return coerceSingleValue(definition, raw, path, options);
}

function coerceSingleValue(
  definition: AttributeDefinition,
  raw: unknown,
  path: string,
  options: CoerceOptions,
): unknown {
  if (raw === null || raw === undefined) return undefined;
  switch (definition.type) {
    case 'complex':
      return coerceComplex(definition, raw, path, options);
    case 'boolean': {
      const value = coerceBoolean(raw);
      return value ?? invalid(path, 'must be a boolean');
    }
    case 'integer':
      if (typeof raw !== 'number' || !Number.isSafeInteger(raw)) invalid(path, 'must be an integer');
      return raw;
    case 'decimal':
      if (typeof raw !== 'number' || !Number.isFinite(raw)) invalid(path, 'must be a decimal number');
      return raw;
    case 'dateTime': {
      const value = typeof raw === 'string' ? normalizeDateTime(raw) : undefined;
      return value ?? invalid(path, 'must be an xsd:dateTime (RFC 7643 §2.3.5)');
    }
    case 'binary':
      if (typeof raw !== 'string' || !BASE64.test(raw.replace(/\s+/g, ''))) invalid(path, 'must be base64');
      return raw;
    case 'reference':
      if (typeof raw !== 'string') invalid(path, 'must be a URI reference string');
      return raw;
    case 'string':
      if (typeof raw !== 'string') invalid(path, 'must be a string');
      return canonicalString(definition, raw, path, options);
  }
}

function canonicalString(
  definition: AttributeDefinition,
  raw: string,
  path: string,
  options: CoerceOptions,
): string {
  const allowed = definition.canonicalValues;
  if (!options.enforceCanonicalValues || !allowed?.length) return raw;
  const match = definition.caseExact
    ? allowed.find((v) => v === raw)
    : allowed.find((v) => v.toLowerCase() === raw.toLowerCase());
  return match ?? invalid(path, 'is not one of its canonical values');
}

function coerceComplex(
  definition: AttributeDefinition,
  raw: unknown,
  path: string,
  options: CoerceOptions,
): Record<string, unknown> | undefined {
  const subAttributes = definition.subAttributes ?? [];
  let input = raw;
  // Entra sends the enterprise manager as a bare id string (peer-issues.md item 6): read it as {value}.
  if (typeof input === 'string' && subAttributes.some((s) => s.name === 'value')) {
    if (input === '') return undefined;
    input = { value: input };
  }
  if (!isPlainObject(input)) invalid(path, 'must be a complex value');
  const given = new Map<AttributeDefinition, unknown>();
  for (const [key, value] of Object.entries(input)) {
    const sub = subAttributes.find((s) => s.name.toLowerCase() === key.toLowerCase());
    if (!sub) {
      dropUnknownAttribute(
        options,
        `${path}.${key}`,
        () => new InvalidRequestError(`Unknown attribute '${path}.${key}'`, 'invalidSyntax'),
      );
      continue;
    }
    if (given.has(sub)) {
      throw new InvalidRequestError(
        `Attribute '${path}.${sub.name}' is given more than once`,
        'invalidSyntax',
      );
    }
    given.set(sub, value);
  }
  const out: Record<string, unknown> = {};
  for (const sub of subAttributes) {
    // RFC 7644 §3.3: readOnly values sent by the client are ignored.
    if (!given.has(sub) || sub.mutability === 'readOnly') continue;
    const value = coerceAttributeValue(sub, given.get(sub), `${path}.${sub.name}`, options);
    if (value !== undefined) out[sub.name] = value;
  }
  if (Object.keys(out).length === 0) return undefined;
  for (const sub of subAttributes) {
    if (sub.required && sub.mutability !== 'readOnly' && out[sub.name] === undefined) {
      invalid(`${path}.${sub.name}`, 'is required');
    }
  }
  return out;
}
