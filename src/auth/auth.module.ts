import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AuditModule } from '../audit/audit.module';
import { ApiTokensRepository } from './api-tokens.repository';
import { AuthService } from './auth.service';
import { BearerStrategy } from './bearer.strategy';
import { ScopesGuard } from './scopes.guard';
import { TokenBootstrapService } from './token-bootstrap.service';
import { TokenRateLimits } from './token-rate-limits';

@Module({
  imports: [PassportModule, AuditModule],
  providers: [
    ApiTokensRepository,
    AuthService,
    BearerStrategy,
    TokenBootstrapService,
    TokenRateLimits,
    { provide: APP_GUARD, useClass: ScopesGuard },
  ],
  exports: [AuthService, TokenBootstrapService, TokenRateLimits],
})
export class AuthModule {}
