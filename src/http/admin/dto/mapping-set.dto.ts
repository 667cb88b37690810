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
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import type {
  ApplyMode,
  AttributeMapping,
  MappingSet,
  MappingType,
  ObjectActions,
  ObjectMapping,
} from '../../../mapping/mapping-set';
import { SCOPING_OPERATORS, type ScopingClause, type ScopingGroup } from '../../../mapping/scoping';

/*
 * The shape of a mapping set. What needs the language (expressions, attribute names, operators) is checked
 * by validateMappingSet after this, with the position of each problem.
 */

const MAPPING_TYPES = ['Direct', 'Constant', 'Expression', 'None'] as const satisfies readonly MappingType[];
const APPLY_MODES = ['Always', 'OnCreate'] as const satisfies readonly ApplyMode[];

export class MatchingDto {
  @ApiProperty({
    description: 'Lower is tried first when the engine looks the object up in the target',
    example: 1,
  })
  @IsInt()
  @Min(1)
  precedence!: number;
}

export class AttributeMappingDto implements AttributeMapping {
  @ApiProperty({ description: 'SCIM path in the target', example: 'emails[type eq "work"].value' })
  @IsString()
  @Length(1, 300)
  targetAttribute!: string;

  @ApiProperty({ enum: MAPPING_TYPES, example: 'Expression' })
  @IsIn(MAPPING_TYPES)
  type!: MappingType;

  @ApiPropertyOptional({
    description: 'Direct: the source attribute; Constant: the value; Expression: the expression',
    example: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")',
  })
  @IsOptional()
  @IsString()
  source?: string;

  @ApiProperty({ enum: APPLY_MODES, example: 'Always' })
  @IsIn(APPLY_MODES)
  apply!: ApplyMode;

  @ApiPropertyOptional({ description: 'Sent when the value is null, on creation only' })
  @IsOptional()
  @IsString()
  defaultValue?: string;

  @ApiPropertyOptional({ type: () => MatchingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => MatchingDto)
  matching?: MatchingDto;
}

export class ScopingClauseDto implements ScopingClause {
  @ApiProperty({ example: 'department' })
  @IsString()
  @Length(1, 300)
  attribute!: string;

  @ApiProperty({
    description: 'Case-insensitive; spaces and underscores do not matter',
    enum: SCOPING_OPERATORS.map((o) => o.name),
    example: 'EQUALS',
  })
  @IsString()
  @Length(1, 40)
  operator!: string;

  @ApiPropertyOptional({
    description: 'Not used by IS TRUE, IS FALSE, IS NULL, IS NOT NULL',
    example: 'Sales',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  value?: string;
}

export class ScopingGroupDto implements ScopingGroup {
  @ApiProperty({ type: () => [ScopingClauseDto], description: 'AND-ed' })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ScopingClauseDto)
  clauses!: ScopingClauseDto[];
}

export class ObjectActionsDto implements ObjectActions {
  @ApiProperty()
  @IsBoolean()
  create!: boolean;

  @ApiProperty()
  @IsBoolean()
  update!: boolean;

  @ApiProperty()
  @IsBoolean()
  delete!: boolean;
}

export class ObjectMappingDto implements ObjectMapping {
  @ApiProperty({ type: () => ObjectActionsDto })
  @ValidateNested()
  @Type(() => ObjectActionsDto)
  actions!: ObjectActionsDto;

  @ApiProperty({ type: () => [ScopingGroupDto], description: 'OR-ed; none puts every object in scope' })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ScopingGroupDto)
  scoping!: ScopingGroupDto[];

  @ApiProperty({ type: () => [AttributeMappingDto] })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => AttributeMappingDto)
  attributes!: AttributeMappingDto[];
}

/** A target's whole mapping set, as GET returns it and PUT takes it. */
export class MappingSetDto implements MappingSet {
  @ApiProperty({ type: () => ObjectMappingDto })
  @ValidateNested()
  @Type(() => ObjectMappingDto)
  users!: ObjectMappingDto;

  @ApiProperty({ type: () => ObjectMappingDto })
  @ValidateNested()
  @Type(() => ObjectMappingDto)
  groups!: ObjectMappingDto;
}
