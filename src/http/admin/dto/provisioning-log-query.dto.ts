import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import {
  LOG_ACTIONS,
  LOG_STATUSES,
  type LogAction,
  type LogStatus,
} from '../../../provisioning/logs/provisioning-log.entity';

export class ProvisioningLogQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  targetId?: string;

  @ApiPropertyOptional({ description: 'Directory id of the user or group' })
  @IsOptional()
  @IsString()
  @Length(1, 36)
  objectId?: string;

  @ApiPropertyOptional({ enum: LOG_ACTIONS })
  @IsOptional()
  @IsIn(LOG_ACTIONS)
  action?: LogAction;

  @ApiPropertyOptional({ enum: LOG_STATUSES })
  @IsOptional()
  @IsIn(LOG_STATUSES)
  status?: LogStatus;

  @ApiPropertyOptional({ description: 'ISO 8601, inclusive' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601, exclusive' })
  @IsOptional()
  @IsISO8601()
  to?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  cursor?: string;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
