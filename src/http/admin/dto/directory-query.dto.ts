import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { BROWSE_DEFAULT_LIMIT, BROWSE_MAX_LIMIT } from '../../../directory/readers/directory-browse.reader';
import { MAX_FILTER_LENGTH } from '../../../scim-protocol';

/** The directory as the console browses it: a SCIM filter and/or a plain search, soft-deleted on request. */
export class DirectoryQueryDto {
  @ApiPropertyOptional({
    description: 'A SCIM filter (RFC 7644 §3.4.2.2), as on /scim/v2/Users or /Groups',
    example: 'userName sw "ada"',
  })
  @IsOptional()
  @IsString()
  @Length(1, MAX_FILTER_LENGTH)
  filter?: string;

  @ApiPropertyOptional({
    description:
      'Objects whose userName, displayName, primary email (users) or externalId starts with this (case-insensitive ' +
      'but for externalId), or whose id it is',
    example: 'ada',
  })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  search?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'false', description: 'Soft-deleted objects too' })
  @IsOptional()
  @IsIn(['true', 'false'])
  includeDeleted?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  cursor?: string;

  @ApiPropertyOptional({ default: BROWSE_DEFAULT_LIMIT, maximum: BROWSE_MAX_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(BROWSE_MAX_LIMIT)
  limit?: number;
}
