import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import {
  PATCH_RESPONSES,
  TOKEN_SCOPES,
  type PatchResponse,
  type TokenScope,
} from '../../../auth/api-token.entity';

export class CreateTokenDto {
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
