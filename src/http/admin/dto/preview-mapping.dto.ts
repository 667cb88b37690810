import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsUUID, ValidateNested } from 'class-validator';
import type { UserReference } from '../../../provisioning/targets/mapping-trials.service';
import { MappingSetDto } from './mapping-set.dto';

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

/** A preview of a stored user or a document, with the saved mapping set or a proposed one (not saved). */
export class PreviewMappingSetDto extends PreviewMappingDto {
  @ApiPropertyOptional({
    type: () => MappingSetDto,
    description:
      'A proposed mapping set to preview instead of the saved one; it is checked as a save would be',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => MappingSetDto)
  mappings?: MappingSetDto;
}
