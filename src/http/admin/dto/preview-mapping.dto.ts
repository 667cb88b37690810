import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsUUID } from 'class-validator';
import type { UserReference } from '../../../provisioning/targets/mapping-trials.service';

export const USER_DOCUMENT_EXAMPLE = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: 'bjensen@example.com',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  active: true,
};

/** Either a stored user or a SCIM user document (read as POST /Users would store it). */
export class PreviewMappingDto implements UserReference {
  @ApiPropertyOptional({ description: 'A stored user', format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  userId?: string;

  @ApiPropertyOptional({
    description: 'A SCIM user document',
    type: 'object',
    additionalProperties: true,
    example: USER_DOCUMENT_EXAMPLE,
  })
  @IsOptional()
  @IsObject()
  user?: Record<string, unknown>;
}
