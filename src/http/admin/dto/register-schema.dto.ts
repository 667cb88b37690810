import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';

const TYPES = [
  'string',
  'boolean',
  'decimal',
  'integer',
  'dateTime',
  'reference',
  'complex',
  'binary',
] as const;
const MUTABILITY = ['readOnly', 'readWrite', 'immutable', 'writeOnly'] as const;
const RETURNED = ['always', 'never', 'default', 'request'] as const;
const UNIQUENESS = ['none', 'server', 'global'] as const;

/** One attribute of a custom extension (RFC 7643 §7); omitted characteristics take the RFC defaults. */
export class SchemaAttributeDto {
  @ApiProperty({ example: 'JobCode' })
  @Matches(/^[A-Za-z$][\w$-]*$/, { message: 'name must be a SCIM attribute name (RFC 7643 §2.1)' })
  name!: string;

  @ApiProperty({ enum: TYPES, example: 'string' })
  @IsIn(TYPES)
  type!: (typeof TYPES)[number];

  @ApiPropertyOptional() @IsOptional() @IsBoolean() multiValued?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() required?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() caseExact?: boolean;
  @ApiPropertyOptional({ enum: MUTABILITY })
  @IsOptional()
  @IsIn(MUTABILITY)
  mutability?: (typeof MUTABILITY)[number];
  @ApiPropertyOptional({ enum: RETURNED }) @IsOptional() @IsIn(RETURNED) returned?: (typeof RETURNED)[number];
  @ApiPropertyOptional({ enum: UNIQUENESS })
  @IsOptional()
  @IsIn(UNIQUENESS)
  uniqueness?: (typeof UNIQUENESS)[number];
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 1000) description?: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'Allowed values; enforced on write for custom extensions',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  canonicalValues?: string[];

  @ApiPropertyOptional({ type: () => [SchemaAttributeDto], description: 'For complex attributes' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SchemaAttributeDto)
  subAttributes?: SchemaAttributeDto[];
}

export class RegisterSchemaDto {
  @ApiProperty({ example: 'urn:ietf:params:scim:schemas:extension:contoso:1.0:User' })
  @Matches(/^urn:[a-z0-9][a-z0-9-]{0,31}:[\w()+,\-.:=@;$!*'%/]+$/i, { message: 'id must be a URN' })
  @Length(1, 255)
  id!: string;

  @ApiPropertyOptional({ example: 'ContosoUser' }) @IsOptional() @IsString() @Length(1, 100) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 1000) description?: string;

  @ApiPropertyOptional({ enum: ['User', 'Group'], default: 'User' })
  @IsOptional()
  @IsIn(['User', 'Group'])
  resourceType?: 'User' | 'Group';

  @ApiProperty({ type: () => [SchemaAttributeDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => SchemaAttributeDto)
  attributes!: SchemaAttributeDto[];
}
