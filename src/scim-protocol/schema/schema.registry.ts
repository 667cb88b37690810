import { InvalidRequestError } from '../../common/errors';
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from './built-in.resource-types';
import { COMMON_ATTRIBUTES } from './common-attributes.schema';
import { CORE_GROUP_SCHEMA_DEFINITION } from './core-group.schema';
import { CORE_USER_SCHEMA_DEFINITION } from './core-user.schema';
import { ENTERPRISE_USER_SCHEMA_DEFINITION } from './enterprise-user.schema';
import { ENTRA_USER_SCHEMA_DEFINITION } from './entra-user.schema';
import type {
  AttributeDefinition,
  ResolvedAttribute,
  ResourceTypeDefinition,
  SchemaDefinition,
} from './schema.types';

/** A failure is `unknown` when no schema of the resource type defines the path (not when it is ambiguous). */
export type PathResolution =
  { ok: true; value: ResolvedAttribute } | { ok: false; reason: string; unknown?: true };

const BUILT_IN_SCHEMAS = [
  CORE_USER_SCHEMA_DEFINITION,
  ENTERPRISE_USER_SCHEMA_DEFINITION,
  ENTRA_USER_SCHEMA_DEFINITION,
  CORE_GROUP_SCHEMA_DEFINITION,
];
const ATTRIBUTE_NAME = /^[A-Za-z$][\w$-]*$/;
const SCHEMA_URN = /^urn:[a-z0-9][a-z0-9-]{0,31}:[A-Za-z0-9()+,\-.:=@;$_!*%/?#]+$/i;

function findByName<T extends { name: string }>(
  items: readonly T[] | undefined,
  name: string,
): T | undefined {
  const lower = name.toLowerCase();
  return items?.find((item) => item.name.toLowerCase() === lower);
}

/** Answers remembered per resource type name, and names: the known schemas and a few misspellings of them. */
const MAX_REMEMBERED = 64;
/** Paths whose resolution is remembered (see `resolved`). */
const MAX_RESOLVED = 1024;

function freezeResolution(answer: PathResolution): PathResolution {
  if (answer.ok) Object.freeze(answer.value.storagePath);
  return Object.freeze(answer.ok ? { ok: true, value: Object.freeze(answer.value) } : answer);
}

/**
 * The schemas and resource types this server serves (RFC 7643 §7, §6), and attribute-path resolution against them.
 * Names and URNs match case-insensitively (RFC 7643 §2.1, §3).
 */
export class SchemaRegistry {
  private readonly schemasById = new Map<string, SchemaDefinition>();
  private readonly resourceTypesByName = new Map<string, ResourceTypeDefinition>();
  private readonly builtIn = new Set<string>();
  /**
   * `schemaOf`'s answers and the core schemas, by the exact strings asked (else long URNs are lowercased on every
   * write's path); cleared when an extension is registered, and bounded, since the URNs come from requests.
   */
  private readonly answers = new Map<string, Map<string, SchemaDefinition | undefined>>();
  private readonly cores = new Map<string, SchemaDefinition>();
  /**
   * `tryResolvePath`'s answers by resource type and path as asked (a write resolves each of its attributes, and a
   * URN-qualified one filtered, sorted and lowercased every schema of the type). Frozen, since callers share them;
   * cleared when an extension is registered, and when full: paths come from requests.
   */
  private readonly resolved = new Map<string, PathResolution>();

  constructor() {
    for (const schema of BUILT_IN_SCHEMAS) {
      this.schemasById.set(schema.id.toLowerCase(), schema);
      this.builtIn.add(schema.id.toLowerCase());
    }
    for (const type of [USER_RESOURCE_TYPE, GROUP_RESOURCE_TYPE]) {
      this.resourceTypesByName.set(type.name.toLowerCase(), {
        ...type,
        schemaExtensions: type.schemaExtensions.map((e) => ({ ...e })),
      });
    }
  }

  schemas(): SchemaDefinition[] {
    return [...this.schemasById.values()];
  }

  schema(id: string): SchemaDefinition | undefined {
    return this.schemasById.get(id.toLowerCase());
  }

  resourceTypes(): ResourceTypeDefinition[] {
    return [...this.resourceTypesByName.values()];
  }

  resourceType(name: string): ResourceTypeDefinition | undefined {
    return this.resourceTypesByName.get(name.toLowerCase());
  }

  /** True for the schemas shipped with the server; their canonicalValues are advisory (RFC 7643 §2.3.1). */
  isBuiltIn(schemaId: string): boolean {
    return this.builtIn.has(schemaId.toLowerCase());
  }

  /**
   * Adds (or replaces) a custom extension on a resource type. Built-in schemas cannot be replaced. The extension is
   * optional on the resource type: clients that do not know it keep working.
   */
  registerExtension(schema: SchemaDefinition, resourceType: string): void {
    const type = this.requireResourceType(resourceType);
    validateExtension(schema);
    const key = schema.id.toLowerCase();
    if (this.builtIn.has(key)) {
      throw new InvalidRequestError(
        `Schema '${schema.id}' is built in and cannot be replaced`,
        'invalidValue',
      );
    }
    const owner = this.resourceTypes().find(
      (t) => t !== type && t.schemaExtensions.some((e) => e.schema.toLowerCase() === key),
    );
    if (owner) {
      throw new InvalidRequestError(`Schema '${schema.id}' already extends ${owner.name}`, 'invalidValue');
    }
    this.schemasById.set(key, schema);
    this.answers.clear();
    this.cores.clear();
    this.resolved.clear();
    if (!type.schemaExtensions.some((e) => e.schema.toLowerCase() === key)) {
      type.schemaExtensions.push({ schema: schema.id, required: false });
    }
  }

  /** The core schema of a resource type. */
  coreSchema(resourceType: string): SchemaDefinition {
    let core = this.cores.get(resourceType);
    if (!core) {
      core = this.requireSchema(this.requireResourceType(resourceType).schema);
      if (this.cores.size < MAX_REMEMBERED) this.cores.set(resourceType, core);
    }
    return core;
  }

  /** The extension schemas registered on a resource type, in registration order. */
  extensionSchemas(resourceType: string): SchemaDefinition[] {
    return this.requireResourceType(resourceType).schemaExtensions.map((e) => this.requireSchema(e.schema));
  }

  /** The core or extension schema of this resource type whose URN equals `urn` case-insensitively. */
  schemaOf(resourceType: string, urn: string): SchemaDefinition | undefined {
    let answers = this.answers.get(resourceType);
    if (answers?.has(urn)) return answers.get(urn);
    const lower = urn.toLowerCase();
    const core = this.coreSchema(resourceType);
    const found =
      core.id.toLowerCase() === lower
        ? core
        : this.extensionSchemas(resourceType).find((s) => s.id.toLowerCase() === lower);
    // Only names of resource types this registry has get here (coreSchema throws on another).
    if (!answers && this.answers.size < MAX_REMEMBERED)
      this.answers.set(resourceType, (answers = new Map<string, SchemaDefinition | undefined>()));
    if (answers && answers.size < MAX_REMEMBERED) answers.set(urn, found);
    return found;
  }

  /**
   * Resolves `path` (RFC 7644 §3.10 attribute notation, optionally URN-qualified) or throws 400 invalidPath.
   */
  resolvePath(resourceType: string, path: string): ResolvedAttribute {
    const result = this.tryResolvePath(resourceType, path);
    if (!result.ok) throw new InvalidRequestError(result.reason, 'invalidPath');
    return result.value;
  }

  /** Like `resolvePath`, but returns the reason instead of throwing, so callers pick their own error. */
  tryResolvePath(resourceType: string, path: string): PathResolution {
    const key = `${resourceType}\u0000${path}`;
    let answer = this.resolved.get(key);
    if (!answer) {
      answer = freezeResolution(this.resolvePathAfresh(resourceType, path));
      if (this.resolved.size >= MAX_RESOLVED) this.resolved.clear();
      this.resolved.set(key, answer);
    }
    return answer;
  }

  private resolvePathAfresh(resourceType: string, path: string): PathResolution {
    const type = this.requireResourceType(resourceType);
    const split = this.splitUrn(type, path);
    if (!split.ok) return split;
    const { schema, rest } = split;
    const names = rest.split('.');
    if (names.length > 2 || names.some((n) => !ATTRIBUTE_NAME.test(n))) {
      return { ok: false, reason: `Attribute path '${path}' is not valid`, unknown: true };
    }
    const core = this.coreSchema(type.name);
    let owner: SchemaDefinition | undefined;
    let attribute: AttributeDefinition | undefined;
    if (schema) {
      owner = schema;
      attribute = findByName(schema.attributes, names[0]);
      if (!attribute && schema === core) attribute = findByName(COMMON_ATTRIBUTES, names[0]);
    } else {
      attribute = findByName(core.attributes, names[0]) ?? findByName(COMMON_ATTRIBUTES, names[0]);
      owner = core;
      if (!attribute) {
        const hits = this.extensionSchemas(type.name).filter((s) => findByName(s.attributes, names[0]));
        if (hits.length > 1) {
          return {
            ok: false,
            reason: `Attribute '${names[0]}' is ambiguous; qualify it with its schema URN`,
          };
        }
        owner = hits[0];
        attribute = owner && findByName(owner.attributes, names[0]);
      }
    }
    if (!owner || !attribute) return { ok: false, reason: `Unknown attribute '${path}'`, unknown: true };
    return this.finish(owner, owner !== core, attribute, names[1], path);
  }

  /** Resolves a sub-attribute of an already resolved complex attribute (value filters: `emails[type eq …]`). */
  tryResolveSubAttribute(parent: ResolvedAttribute, name: string): PathResolution {
    if (parent.subAttribute)
      return { ok: false, reason: `'${parent.path}' has no sub-attributes`, unknown: true };
    const schema = this.requireSchema(parent.schema);
    return this.finish(schema, parent.extension, parent.attribute, name, `${parent.path}.${name}`);
  }

  private finish(
    schema: SchemaDefinition,
    extension: boolean,
    attribute: AttributeDefinition,
    subName: string | undefined,
    original: string,
  ): PathResolution {
    const prefix = extension ? [schema.id] : [];
    const head = extension ? `${schema.id}:${attribute.name}` : attribute.name;
    if (subName === undefined) {
      return {
        ok: true,
        value: {
          schema: schema.id,
          extension,
          attribute,
          storagePath: [...prefix, attribute.name],
          path: head,
        },
      };
    }
    const subAttribute = findByName(attribute.subAttributes, subName);
    if (!subAttribute) return { ok: false, reason: `Unknown attribute '${original}'`, unknown: true };
    return {
      ok: true,
      value: {
        schema: schema.id,
        extension,
        attribute,
        subAttribute,
        storagePath: [...prefix, attribute.name, subAttribute.name],
        path: `${head}.${subAttribute.name}`,
      },
    };
  }

  /** Splits a leading schema URN off `path` by matching the URNs this resource type knows (they contain dots). */
  private splitUrn(
    type: ResourceTypeDefinition,
    path: string,
  ): { ok: true; schema?: SchemaDefinition; rest: string } | { ok: false; reason: string; unknown?: true } {
    if (!/^urn:/i.test(path)) return { ok: true, rest: path };
    const lower = path.toLowerCase();
    const candidates = [type.schema, ...type.schemaExtensions.map((e) => e.schema)]
      .map((id) => this.requireSchema(id))
      .filter((s) => lower.startsWith(`${s.id.toLowerCase()}:`))
      .sort((a, b) => b.id.length - a.id.length);
    const schema = candidates[0];
    if (!schema) {
      return this.schemaOf(type.name, path)
        ? { ok: false, reason: `'${path}' names a schema, not an attribute` }
        : { ok: false, reason: `Unknown schema in '${path}'`, unknown: true };
    }
    return { ok: true, schema, rest: path.slice(schema.id.length + 1) };
  }

  private requireResourceType(name: string): ResourceTypeDefinition {
    const type = this.resourceType(name);
    if (!type) throw new Error(`Unknown resource type '${name}'`);
    return type;
  }

  private requireSchema(id: string): SchemaDefinition {
    const schema = this.schema(id);
    if (!schema) throw new Error(`Schema '${id}' is not registered`);
    return schema;
  }
}

/** RFC 7643 §2.3.8 and §7: what a custom extension must look like before it can be served. */
function validateExtension(schema: SchemaDefinition): void {
  const fail = (why: string) => {
    throw new InvalidRequestError(`Extension schema is invalid: ${why}`, 'invalidValue');
  };
  if (!SCHEMA_URN.test(schema.id)) fail('id must be a URN');
  if (!Array.isArray(schema.attributes) || schema.attributes.length === 0) fail('it declares no attributes');
  const checkLevel = (attributes: AttributeDefinition[], parent?: string) => {
    const seen = new Set<string>();
    for (const a of attributes) {
      const where = parent ? `${parent}.${a.name}` : a.name;
      if (!ATTRIBUTE_NAME.test(a.name)) fail(`attribute name '${where}' is not valid`);
      if (seen.has(a.name.toLowerCase())) fail(`attribute '${where}' is declared twice`);
      seen.add(a.name.toLowerCase());
      if (a.type === 'complex') {
        if (parent) fail(`'${where}': a sub-attribute cannot be complex`);
        if (!a.subAttributes?.length) fail(`complex attribute '${where}' has no sub-attributes`);
        checkLevel(a.subAttributes ?? [], a.name);
      } else if (a.subAttributes?.length) {
        fail(`'${where}' has sub-attributes but is not complex`);
      }
    }
  };
  checkLevel(schema.attributes);
}
