import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AdminActor } from '../../audit/audit.types';
import { Scopes } from '../../auth/scopes.decorator';
import { SchemaExtensionsService } from '../../directory/schema-extensions/schema-extensions.service';
import type { AttributeDefinition, SchemaDefinition } from '../../scim-protocol';
import { Actor } from '../pipeline/admin-actor.decorator';
import { RegisterSchemaDto, SchemaAttributeDto } from './dto/register-schema.dto';

@ApiTags('schemas')
@ApiBearerAuth()
@Scopes('admin')
@Controller('admin/v1/schemas')
export class SchemasController {
  constructor(private readonly extensions: SchemaExtensionsService) {}

  /** Registers a custom extension: from then on in /Schemas and /ResourceTypes, checked on write, filterable. */
  @Post()
  register(@Body() dto: RegisterSchemaDto, @Actor() actor: AdminActor): Promise<SchemaDefinition> {
    return this.extensions.registerExtension(toSchemaDefinition(dto), dto.resourceType ?? 'User', actor);
  }

  @Get()
  list(): SchemaDefinition[] {
    return this.extensions.listExtensions();
  }
}

function toSchemaDefinition(dto: RegisterSchemaDto): SchemaDefinition {
  return {
    id: dto.id,
    name: dto.name ?? dto.id.split(':').pop()!,
    description: dto.description ?? '',
    attributes: dto.attributes.map(toAttribute),
  };
}

/** RFC 7643 §2.2 defaults for what the operator left out. */
function toAttribute(a: SchemaAttributeDto): AttributeDefinition {
  return {
    name: a.name,
    type: a.type,
    multiValued: a.multiValued ?? false,
    description: a.description ?? '',
    required: a.required ?? false,
    caseExact: a.caseExact ?? false,
    mutability: a.mutability ?? 'readWrite',
    returned: a.returned ?? 'default',
    uniqueness: a.uniqueness ?? 'none',
    ...(a.canonicalValues ? { canonicalValues: a.canonicalValues } : {}),
    ...(a.subAttributes ? { subAttributes: a.subAttributes.map(toAttribute) } : {}),
  };
}
