import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { ORPHAN_STATES, type OrphanState } from '../../../provisioning/orphans/orphan-account.entity';
import { MappingTargetParams } from './mapping-target.dto';

export class TargetOrphanParams extends MappingTargetParams {
  @ApiProperty({ description: "The account's id in the target" })
  @IsString()
  @Length(1, 255)
  accountId!: string;
}

export class OrphanQueryDto {
  @ApiPropertyOptional({ description: 'next of the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  cursor?: string;

  @ApiPropertyOptional({ default: 100, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description:
      'true: only accounts with a directory user of the same userName or externalId; false: only those without',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'matched must be true or false' })
  matched?: 'true' | 'false';

  @ApiPropertyOptional({ enum: ORPHAN_STATES })
  @IsOptional()
  @IsIn(ORPHAN_STATES)
  state?: OrphanState;
}

export class LinkOrphanDto {
  @ApiProperty({ format: 'uuid', description: 'The directory user that owns the account from now on' })
  @IsUUID('all')
  userId!: string;
}
