import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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

  @ApiPropertyOptional({ description: 'Change id: the journal seq of the directory change (changeSeq)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'changeSeq must be a change id: a whole number' })
  @Min(1, { message: 'changeSeq must be a change id: 1 or more' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'changeSeq must be a change id: at most 2^53 - 1' })
  changeSeq?: number;

  @ApiPropertyOptional({ description: 'Id of the inbound request that caused the entry (X-Request-Id)' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/, {
    message: "requestId must be a request id: 1-64 letters, digits, '.', '_', ':' or '-'",
  })
  requestId?: string;

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

/** The id in `GET /admin/v1/provisioning-logs/:id`. */
export class ProvisioningLogIdParams {
  @ApiProperty({ description: 'The entry id (`id` of an entry)', example: 42 })
  @Type(() => Number)
  @IsInt({ message: 'id must be a log entry id: a whole number' })
  @Min(1, { message: 'id must be a log entry id: 1 or more' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'id must be a log entry id: at most 2^53 - 1' })
  id!: number;
}
