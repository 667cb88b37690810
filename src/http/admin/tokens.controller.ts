import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AdminActor } from '../../audit/audit.types';
import { AuthService, IssuedToken, TokenView } from '../../auth/auth.service';
import { Scopes } from '../../auth/scopes.decorator';
import { Actor } from '../pipeline/admin-actor.decorator';
import { CreateTokenDto, RotateTokenDto, TokenSettingsDto } from './dto/create-token.dto';

const Id = () => Param('id', new ParseUUIDPipe());
const dateOrNull = (text: string | null | undefined) =>
  text === undefined ? undefined : text === null ? null : new Date(text);

@ApiTags('tokens')
@ApiBearerAuth()
@Scopes('admin')
@Controller('admin/v1/tokens')
export class TokensController {
  constructor(private readonly auth: AuthService) {}

  /** The secret is in this response and nowhere else, ever. */
  @Post()
  issue(@Body() dto: CreateTokenDto, @Actor() actor: AdminActor): Promise<IssuedToken> {
    return this.auth.issueToken(
      dto.name,
      dto.scopes,
      {
        patchResponse: dto.patchResponse,
        expiresAt: dateOrNull(dto.expiresAt),
        rateLimitPerMinute: dto.rateLimitPerMinute,
        unknownAttributes: dto.unknownAttributes,
      },
      actor,
    );
  }

  @Get()
  list(): Promise<TokenView[]> {
    return this.auth.listTokens();
  }

  /** Expiry, rate limit (`null` clears either) and unknown attributes. */
  @Patch(':id')
  change(@Id() id: string, @Body() dto: TokenSettingsDto, @Actor() actor: AdminActor): Promise<TokenView> {
    return this.auth.changeToken(
      id,
      {
        expiresAt: dateOrNull(dto.expiresAt),
        rateLimitPerMinute: dto.rateLimitPerMinute,
        unknownAttributes: dto.unknownAttributes,
      },
      actor,
    );
  }

  /** A new secret for the same token, in this response only; the old one works for `graceSeconds` more. */
  @Post(':id/rotate')
  @HttpCode(200)
  rotate(@Id() id: string, @Body() dto: RotateTokenDto, @Actor() actor: AdminActor): Promise<IssuedToken> {
    return this.auth.rotateToken(id, dto.graceSeconds ?? 0, actor);
  }

  @Delete(':id')
  @HttpCode(204)
  revoke(@Id() id: string, @Actor() actor: AdminActor): Promise<void> {
    return this.auth.revokeToken(id, actor);
  }
}
