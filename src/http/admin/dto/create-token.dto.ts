import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import {
  PATCH_RESPONSES,
  TOKEN_SCOPES,
  UNKNOWN_ATTRIBUTE_CHOICES,
  type PatchResponse,
  type TokenScope,
  type UnknownAttributeChoice,
} from '../../../auth/api-token.entity';

/** Expiry, rate limit and unknown attributes, shared by creation and change; `null` clears the first two. */
export class TokenSettingsDto {
  @ApiPropertyOptional({
    format: 'date-time',
    nullable: true,
    description: 'After this the token is refused (401); null: it never expires',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsISO8601({ strict: true })
  expiresAt?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    minimum: 1,
    description:
      'Requests a minute this token may make (per gateway process), then 429 with Retry-After; null: no limit',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  rateLimitPerMinute?: number | null;

  @ApiPropertyOptional({
    enum: UNKNOWN_ATTRIBUTE_CHOICES,
    default: 'reject',
    description:
      'What SCIM writes with this token do with attributes no schema defines: reject (400 naming the attribute) ' +
      'or ignore (dropped, not stored; the rest of the request is processed)',
  })
  // Not nullable: `null` is refused rather than read as the default.
  @ValidateIf((_o, v) => v !== undefined)
  @IsIn(UNKNOWN_ATTRIBUTE_CHOICES)
  unknownAttributes?: UnknownAttributeChoice;
}

export class CreateTokenDto extends TokenSettingsDto {
  @ApiProperty({ example: 'workday-prod' })
  @IsString()
  @Length(1, 100)
  @Matches(/^[\w .:@-]+$/, { message: 'name may contain letters, digits, spaces and . _ : @ -' })
  name!: string;

  @ApiProperty({ enum: TOKEN_SCOPES, isArray: true, example: ['scim'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(TOKEN_SCOPES, { each: true })
  scopes!: TokenScope[];

  @ApiProperty({
    enum: PATCH_RESPONSES,
    required: false,
    default: 'resource',
    description: 'What SCIM PATCH answers to this token: 200 with the resource, or 204 No Content',
  })
  @IsOptional()
  @IsIn(PATCH_RESPONSES)
  patchResponse?: PatchResponse;
}

export class RotateTokenDto {
  @ApiPropertyOptional({
    default: 0,
    maximum: 2_592_000,
    description: 'How long the previous secret keeps working, in seconds (0: not at all)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_592_000)
  graceSeconds?: number;
}
