import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { AUDIT_OBJECT_TYPES, type AuditObjectType } from '../../../audit/audit.types';
import { AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX } from '../../../audit/audit-log.service';

export class AuditQueryDto {
  @ApiPropertyOptional({ description: 'Id of the token that made the change' })
  @IsOptional()
  @IsUUID()
  actor?: string;

  @ApiPropertyOptional({ description: 'An action (`target.pause`) or a prefix ending in a dot (`target.`)' })
  @IsOptional()
  @Matches(/^[a-z_]+(\.[a-z_]+)*\.?$/, {
    message: 'action must be an action name like target.pause, or a prefix ending in a dot like target.',
  })
  @Length(1, 64)
  action?: string;

  @ApiPropertyOptional({ enum: AUDIT_OBJECT_TYPES })
  @IsOptional()
  @IsIn(AUDIT_OBJECT_TYPES)
  objectType?: AuditObjectType;

  @ApiPropertyOptional({ description: "The object's id (a UUID, or a schema extension's URN)" })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  objectId?: string;

  @ApiPropertyOptional({
    description: 'Entries about this target and everything of it (mappings, roles, assignments)',
  })
  @IsOptional()
  @IsUUID()
  targetId?: string;

  @ApiPropertyOptional({ description: 'ISO 8601, inclusive' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ description: 'ISO 8601, exclusive; not before since' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  cursor?: string;

  @ApiPropertyOptional({ default: AUDIT_PAGE_DEFAULT, maximum: AUDIT_PAGE_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(AUDIT_PAGE_MAX)
  limit?: number;
}
