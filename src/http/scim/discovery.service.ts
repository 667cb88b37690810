import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError } from '../../common/errors';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { BULK_MAX_OPERATIONS } from './bulk.service';
import { LIST_RESPONSE_SCHEMA, SchemaRegistry } from '../../scim-protocol';

const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

/** RFC 7644 §4: what this server supports, its resource types and schemas, generated from the registry. */
@Injectable()
export class DiscoveryService {
  constructor(
    private readonly registry: SchemaRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  serviceProviderConfig(baseUrl: string) {
    return {
      schemas: [SPC_SCHEMA],
      documentationUri: 'https://github.com/scim-gateway/scim-gateway#readme',
      patch: { supported: true },
      bulk: {
        supported: true,
        maxOperations: BULK_MAX_OPERATIONS,
        maxPayloadSize: this.config.scim.bodyLimitBytes,
      },
      filter: { supported: true, maxResults: this.config.scim.maxPageSize },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      // RFC 9865 §4: both paging methods; cursors carry a position only, so they never expire.
      pagination: {
        cursor: true,
        index: true,
        defaultPaginationMethod: 'index',
        defaultPageSize: this.config.scim.defaultPageSize,
        maxPageSize: this.config.scim.maxPageSize,
      },
      authenticationSchemes: [
        {
          type: 'oauthbearertoken',
          name: 'Bearer token',
          description: 'A token issued by the gateway (POST /admin/v1/tokens) with the scim scope',
          primary: true,
        },
      ],
      meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
    };
  }

  resourceTypes(baseUrl: string) {
    const resources = this.registry.resourceTypes().map((t) => this.resourceType(t.name, baseUrl));
    return listOf(resources);
  }

  resourceType(name: string, baseUrl: string) {
    const type = this.registry.resourceType(name);
    if (!type) throw new NotFoundError(`Resource type ${name} not found`);
    return {
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: type.id,
      name: type.name,
      endpoint: type.endpoint,
      description: type.description,
      schema: type.schema,
      schemaExtensions: type.schemaExtensions,
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${type.id}` },
    };
  }

  schemas(baseUrl: string) {
    return listOf(this.registry.schemas().map((s) => this.schema(s.id, baseUrl)));
  }

  schema(id: string, baseUrl: string) {
    const schema = this.registry.schema(id);
    if (!schema) throw new NotFoundError(`Schema ${id} not found`);
    return {
      schemas: [SCHEMA_SCHEMA],
      ...schema,
      meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` },
    };
  }
}

function listOf<T>(resources: T[]) {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: resources.length,
    itemsPerPage: resources.length,
    startIndex: 1,
    Resources: resources,
  };
}
