import { isPlainObject } from '../../scim-protocol/json-value.util';
import type { SchemaRegistry } from '../../scim-protocol';

type Doc = Record<string, unknown>;

function keyOf(doc: Doc, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(doc).find((k) => k.toLowerCase() === lower);
}

function assign(target: Doc, name: string, value: unknown): void {
  const existing = keyOf(target, name);
  if (existing !== undefined) delete target[existing];
  if (value !== null) target[existing ?? name] = value;
}

/**
 * Entra's /bulkUpload sends partial records (entra-inbound-api.md §3.3): attributes a record omits are left
 * as they are, an explicit `null` clears one (§3.4). Extension objects merge attribute by attribute, and
 * flat `urn:…:User:attribute` keys address one extension attribute. Names match case-insensitively; the
 * result is validated by the caller like any other write.
 */
export function mergePartialRecord(existing: Doc, incoming: Doc, registry: SchemaRegistry): Doc {
  const merged: Doc = structuredClone(existing);
  for (const [key, value] of Object.entries(incoming)) {
    if (key.toLowerCase() === 'schemas') continue;
    const extension = /^urn:/i.test(key) ? registry.schemaOf('User', key) : undefined;
    if (extension && extension.id !== registry.coreSchema('User').id && isPlainObject(value)) {
      const current = merged[keyOf(merged, extension.id) ?? extension.id];
      const part: Doc = isPlainObject(current) ? { ...current } : {};
      for (const [attribute, attributeValue] of Object.entries(value))
        assign(part, attribute, attributeValue);
      assign(merged, extension.id, Object.keys(part).length > 0 ? part : null);
      continue;
    }
    const flat = /^(urn:.+):([^:]+)$/i.exec(key);
    const flatSchema = flat ? registry.schemaOf('User', flat[1]) : undefined;
    if (flat && flatSchema) {
      const current = merged[keyOf(merged, flatSchema.id) ?? flatSchema.id];
      const part: Doc = isPlainObject(current) ? { ...current } : {};
      assign(part, flat[2], value);
      assign(merged, flatSchema.id, Object.keys(part).length > 0 ? part : null);
      continue;
    }
    assign(merged, key, value);
  }
  const listed = (doc: Doc): unknown[] => (Array.isArray(doc.schemas) ? (doc.schemas as unknown[]) : []);
  const schemas = new Set([...listed(existing), ...listed(incoming)]);
  merged.schemas = [...schemas];
  return merged;
}
