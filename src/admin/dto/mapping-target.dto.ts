import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

/** Targets arrive with the provisioning engine; until then any well-formed id names one. */
export class MappingTargetParams {
  @ApiProperty({ description: '1-36 letters, digits, _ or -', example: 'slack-prod' })
  @Matches(/^[A-Za-z0-9_-]{1,36}$/, { message: 'target id must be 1-36 letters, digits, _ or -' })
  id!: string;
}
