import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { MAX_BULK_PRINCIPALS } from '../../../provisioning/assignments/assignments.service';
import { TARGET_SCOPES, type TargetScope } from '../../../provisioning/targets/provisioning-target.entity';
import { MappingSetDto } from './mapping-set.dto';
import { MappingTargetParams } from './mapping-target.dto';

const PRINCIPAL_TYPES = ['User', 'Group'] as const;
type PrincipalTypeDto = (typeof PRINCIPAL_TYPES)[number];

export class TargetRoleParams extends MappingTargetParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  roleId!: string;
}

export class TargetAssignmentParams extends MappingTargetParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  assignmentId!: string;
}

export class AppRoleDto {
  @ApiProperty({ example: 'Administrator' })
  @IsString()
  @Length(1, 100)
  displayName!: string;

  @ApiProperty({
    example: 'Admin',
    description: "What the target receives in the user's roles; unique per target",
  })
  @IsString()
  @Length(1, 120)
  value!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 500)
  description?: string;
}

export class UpdateAppRoleDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  displayName?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 120)
  value?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 500)
  description?: string;
}

export class PrincipalDto {
  @ApiProperty({ enum: PRINCIPAL_TYPES })
  @IsIn(PRINCIPAL_TYPES)
  type!: PrincipalTypeDto;

  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  id!: string;
}

export class AssignDto {
  @ApiProperty({ enum: PRINCIPAL_TYPES })
  @IsIn(PRINCIPAL_TYPES)
  principalType!: PrincipalTypeDto;

  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  principalId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The default role ("User") when omitted' })
  @IsOptional()
  @IsUUID('all')
  roleId?: string;
}

export class BulkAssignmentDto {
  @ApiProperty({ type: [PrincipalDto], maxItems: MAX_BULK_PRINCIPALS })
  @ValidateNested({ each: true })
  @Type(() => PrincipalDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK_PRINCIPALS)
  principals!: PrincipalDto[];

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Assign: the default role when omitted. Remove: every role when omitted',
  })
  @IsOptional()
  @IsUUID('all')
  roleId?: string;
}

export class AssignmentQueryDto {
  @ApiPropertyOptional({ enum: PRINCIPAL_TYPES })
  @IsOptional()
  @IsIn(PRINCIPAL_TYPES)
  principalType?: PrincipalTypeDto;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  roleId?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsUUID('all')
  cursor?: string;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  count?: number;
}

export class ProposedAssignmentDto extends PrincipalDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The default role when omitted' })
  @IsOptional()
  @IsUUID('all')
  roleId?: string;
}

/** A change not saved: the impact preview says what it would send. Every part is optional. */
export class ImpactProposalDto {
  @ApiPropertyOptional({
    type: MappingSetDto,
    description: 'A proposed mapping set (scoping filters included)',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => MappingSetDto)
  mappings?: MappingSetDto;

  @ApiPropertyOptional({ enum: TARGET_SCOPES })
  @IsOptional()
  @IsIn(TARGET_SCOPES)
  scope?: TargetScope;

  @ApiPropertyOptional({ type: [ProposedAssignmentDto] })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => ProposedAssignmentDto)
  @ArrayMaxSize(MAX_BULK_PRINCIPALS)
  assign?: ProposedAssignmentDto[];

  @ApiPropertyOptional({ type: [PrincipalDto], description: 'Principals whose every assignment would go' })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => PrincipalDto)
  @ArrayMaxSize(MAX_BULK_PRINCIPALS)
  unassign?: PrincipalDto[];
}
