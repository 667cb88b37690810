import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT } from '../../../directory/journal/history.reader';

export class HistoryQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  cursor?: string;

  @ApiPropertyOptional({ default: HISTORY_DEFAULT_LIMIT, maximum: HISTORY_MAX_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(HISTORY_MAX_LIMIT)
  limit?: number;
}
