import { InvalidRequestError } from '../../common/errors';
import { isPlainObject } from '../json-value.util';
import { PATCH_OP_SCHEMA } from '../schema/schema.types';
import type { PatchOperation } from './patch.types';

const OPS = new Set(['add', 'remove', 'replace']);

/**
 * Checks a PatchOp message (RFC 7644 §3.5.2): the PatchOp schema, a non-empty `Operations` array, and each op.
 * `op` and the member names are matched case-insensitively: Entra sends `Add`/`Replace`/`Remove` (§1).
 */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (!isPlainObject(body))
    throw new InvalidRequestError('The PATCH body must be a JSON object', 'invalidSyntax');
  const field = (name: string) => body[Object.keys(body).find((k) => k.toLowerCase() === name) ?? name];
  const schemas = field('schemas');
  if (
    !Array.isArray(schemas) ||
    !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())
  ) {
    throw new InvalidRequestError(`'schemas' must contain '${PATCH_OP_SCHEMA}'`, 'invalidSyntax');
  }
  const operations = field('operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw new InvalidRequestError("'Operations' must be a non-empty array", 'invalidSyntax');
  }
  return operations.map((operation: unknown, index) => parseOperation(operation, index));
}

function parseOperation(raw: unknown, index: number): PatchOperation {
  const where = `Operations[${index}]`;
  if (!isPlainObject(raw)) throw new InvalidRequestError(`${where} must be an object`, 'invalidSyntax');
  const entries = new Map(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), v]));
  const op = entries.get('op');
  if (typeof op !== 'string' || !OPS.has(op.toLowerCase())) {
    throw new InvalidRequestError(`${where}.op must be add, remove or replace`, 'invalidSyntax');
  }
  const path = entries.get('path');
  if (path !== undefined && path !== null && (typeof path !== 'string' || path.trim() === '')) {
    throw new InvalidRequestError(`${where}.path must be a non-empty string`, 'invalidPath');
  }
  const operation: PatchOperation = { op: op.toLowerCase() as PatchOperation['op'] };
  if (typeof path === 'string') operation.path = path.trim();
  if (entries.has('value')) operation.value = entries.get('value');
  if (operation.op !== 'remove' && operation.value === undefined) {
    throw new InvalidRequestError(`${where}.value is required for ${operation.op}`, 'invalidValue');
  }
  return operation;
}
