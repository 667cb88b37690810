import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MappingModule } from '../mapping/mapping.module';
import { ExpressionsController } from './expressions.controller';
import { MappingsController } from './mappings.controller';
import { TokensController } from './tokens.controller';

@Module({
  imports: [AuthModule, MappingModule],
  controllers: [TokensController, MappingsController, ExpressionsController],
})
export class AdminModule {}
