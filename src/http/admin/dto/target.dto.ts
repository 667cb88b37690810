import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  AUTH_TYPES,
  BULK_SETTINGS,
  COMPATIBILITY_PROFILES,
  DEPROVISION_ACTIONS,
  TARGET_SCOPES,
  UPDATE_STYLES,
  type AuthType,
  type BulkSetting,
  type CompatibilityProfile,
  type DeprovisionAction,
  type TargetScope,
  type UpdateStyle,
} from '../../../provisioning/targets/provisioning-target.entity';

export class TargetAuthDto {
  @ApiProperty({ enum: AUTH_TYPES })
  @IsIn(AUTH_TYPES)
  type!: AuthType;

  @ApiPropertyOptional({ description: 'Bearer token (type bearer). Write-only: never returned.' })
  @IsOptional()
  @IsString()
  @Length(1, 4096)
  token?: string;

  @ApiPropertyOptional({ description: 'OAuth 2.0 token endpoint (type oauth2).' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  tokenUrl?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 255)
  clientId?: string;

  @ApiPropertyOptional({ description: 'Write-only: never returned.' })
  @IsOptional()
  @IsString()
  @Length(1, 1024)
  clientSecret?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 255)
  scope?: string;
}

/** Every setting but the name, base URL and auth is optional, with Entra-like defaults. */
export class TargetSettingsDto {
  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    enum: TARGET_SCOPES,
    default: 'assigned',
    description: "assigned: only users and groups assigned to the target (Entra's default); all: everyone",
  })
  @IsOptional()
  @IsIn(TARGET_SCOPES)
  scope?: TargetScope;

  @ApiPropertyOptional({ enum: COMPATIBILITY_PROFILES, default: 'entra' })
  @IsOptional()
  @IsIn(COMPATIBILITY_PROFILES)
  profile?: CompatibilityProfile;

  @ApiPropertyOptional({ enum: UPDATE_STYLES, default: 'PATCH' })
  @IsOptional()
  @IsIn(UPDATE_STYLES)
  updateStyle?: UpdateStyle;

  @ApiPropertyOptional({
    default: false,
    description:
      'Read each updated resource back and compare what was just set: a change the target answers 2xx to but does not keep is a Warning at once, not at the next reconciliation',
  })
  @IsOptional()
  @IsBoolean()
  verifyUpdates?: boolean;

  @ApiPropertyOptional({
    enum: BULK_SETTINGS,
    default: 'auto',
    description:
      "Outbound /Bulk: auto, when the target's /ServiceProviderConfig advertises it (a lone change goes as a plain request); on, every write through /Bulk, alone or not (still only when advertised); off, never",
  })
  @IsOptional()
  @IsIn(BULK_SETTINGS)
  bulk?: BulkSetting;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  provisionGroups?: boolean;

  @ApiPropertyOptional({ enum: DEPROVISION_ACTIONS, default: 'disable' })
  @IsOptional()
  @IsIn(DEPROVISION_ACTIONS)
  deprovisionAction?: DeprovisionAction;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  skipOutOfScopeDeletions?: boolean;

  @ApiPropertyOptional({
    description:
      'Most disables and deletes sent within deletionWindowMinutes (incremental and reconciliation alike); the rest are held for release. null: no limit',
    nullable: true,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  deletionThreshold?: number | null;

  @ApiPropertyOptional({
    default: 60,
    description: 'The rolling window the deletion threshold counts disables and deletes over, in minutes',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_080)
  deletionWindowMinutes?: number;

  @ApiPropertyOptional({ default: 8 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  concurrency?: number;

  @ApiPropertyOptional({ default: 25, description: 'Entra gallery apps must accept 25 requests/s' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  requestsPerSecond?: number;

  @ApiPropertyOptional({ default: 30000 })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(120_000)
  timeoutMs?: number;

  @ApiPropertyOptional({ description: 'Full reconciliation interval (default RECONCILE_INTERVAL_MINUTES)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_080)
  reconcileIntervalMinutes?: number;
}

export class CreateTargetDto extends TargetSettingsDto {
  @ApiProperty({ example: 'slack-prod' })
  @IsString()
  @Length(1, 100)
  @Matches(/^[\w .:@-]+$/, { message: 'name may contain letters, digits, spaces and . _ : @ -' })
  name!: string;

  @ApiProperty({ example: 'https://app.example.com/scim/v2' })
  @IsString()
  @Length(1, 1000)
  baseUrl!: string;

  @ApiProperty({ type: TargetAuthDto })
  @ValidateNested()
  @Type(() => TargetAuthDto)
  auth!: TargetAuthDto;
}

export class UpdateTargetDto extends TargetSettingsDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(/^[\w .:@-]+$/, { message: 'name may contain letters, digits, spaces and . _ : @ -' })
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  baseUrl?: string;

  @ApiPropertyOptional({ type: TargetAuthDto, description: 'Replaces the auth; secrets are write-only' })
  @IsOptional()
  @ValidateNested()
  @Type(() => TargetAuthDto)
  auth?: TargetAuthDto;
}

export class ProvisionOnDemandDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 36)
  userId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 36)
  groupId?: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 5,
    description: "With groupId: the members to provision with the group (the group's first five otherwise)",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @IsString({ each: true })
  @Length(1, 36, { each: true })
  memberIds?: string[];
}
