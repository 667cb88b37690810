import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import type { ExpressionTrial } from '../../../mapping/mappings.service';
import { PreviewMappingDto } from './preview-mapping.dto';

/** An expression and the user to evaluate it on (none for expressions that read no attribute). */
export class EvaluateExpressionDto extends PreviewMappingDto implements ExpressionTrial {
  @ApiProperty({ example: 'Join(" ", [givenName], ToUpper([surname]))' })
  @IsString()
  expression!: string;

  @ApiPropertyOptional({ description: 'ISO 8601; the clock of Now()', example: '2025-07-30T12:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  now?: string;

  @ApiPropertyOptional({
    description: "A target whose assignments give the stored user's [appRoleAssignments]",
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,36}$/, { message: 'targetId must be 1-36 letters, digits, _ or -' })
  targetId?: string;

  @ApiPropertyOptional({
    enum: ['user', 'group'],
    default: 'user',
    description: "Whose attributes the expression may name: a user mapping's or a group mapping's",
  })
  @IsOptional()
  @IsIn(['user', 'group'])
  objectType?: 'user' | 'group';
}
