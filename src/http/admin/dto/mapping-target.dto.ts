import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

/** The target id in a mappings route; KnownTargetPipe then requires a registered target. */
export class MappingTargetParams {
  @ApiProperty({
    description: '1-36 letters, digits, _ or -',
    example: '3f1c2b9e-7d4a-4c1e-9b2a-5e6f7a8b9c0d',
  })
  @Matches(/^[A-Za-z0-9_-]{1,36}$/, { message: 'target id must be 1-36 letters, digits, _ or -' })
  id!: string;
}
