/** RFC 7643 §7: the shape of attribute, schema and resource-type definitions. */
export type AttributeType =
  'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDefinition {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description?: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDefinition[];
}

export interface SchemaDefinition {
  id: string;
  name: string;
  description?: string;
  attributes: AttributeDefinition[];
}

export interface ResourceTypeDefinition {
  id: string;
  name: string;
  endpoint: string;
  description?: string;
  schema: string;
  schemaExtensions: { schema: string; required: boolean }[];
}

export const CORE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const CORE_GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const ENTRA_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:Microsoft:Entra:2.0:User';
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

/** A SCIM resource as stored: canonical attribute names, extension attributes under their URN key. */
export type ScimDocument = Record<string, unknown>;

/** An attribute path resolved against a resource type (RFC 7643 §2.1: names are case-insensitive). */
export interface ResolvedAttribute {
  /** URN of the schema that declares the attribute (the core schema for common attributes). */
  schema: string;
  /** True when the attribute lives under its extension URN key in the document. */
  extension: boolean;
  /** The top-level attribute. */
  attribute: AttributeDefinition;
  /** The sub-attribute, for `name.givenName`-style paths. */
  subAttribute?: AttributeDefinition;
  /** Where the value sits in the stored document, e.g. `['emails', 'value']` or `[enterpriseUrn, 'department']`. */
  storagePath: string[];
  /** Canonical path text: `emails.value`, `urn:…:enterprise:2.0:User:manager.value`, `meta.created`. */
  path: string;
}
