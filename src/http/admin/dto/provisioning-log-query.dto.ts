import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { EXPORT_FORMATS, type ExportFormat } from '../../../provisioning/logs/log-export.format';
import {
  LOG_ACTIONS,
  LOG_STATUSES,
  type LogAction,
  type LogStatus,
} from '../../../provisioning/logs/provisioning-log.entity';

/** The filters the list and the download share. */
export class ProvisioningLogFilterDto {
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

  @ApiPropertyOptional({ description: 'ISO 8601, exclusive; later than from' })
  @IsOptional()
  @IsISO8601()
  to?: string;
}

export class ProvisioningLogQueryDto extends ProvisioningLogFilterDto {
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

export class ProvisioningLogExportQueryDto extends ProvisioningLogFilterDto {
  @ApiProperty({ enum: EXPORT_FORMATS, description: 'csv (RFC 4180, with a header row) or json (one array)' })
  @IsIn(EXPORT_FORMATS)
  format!: ExportFormat;
}
