import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class DeliveriesQueryDto {
  @ApiPropertyOptional({
    default: 60,
    minimum: 1,
    maximum: 1440,
    description: 'How many minutes, the current one included (a day at most: the counts are kept a day)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'minutes must be a whole number of minutes' })
  @Min(1, { message: 'minutes must be 1 or more' })
  @Max(1440, { message: 'minutes must be at most 1440 (a day: the per-minute counts are kept a day)' })
  minutes?: number;
}
