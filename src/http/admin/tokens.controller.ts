import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthService, IssuedToken, TokenView } from '../../auth/auth.service';
import { Scopes } from '../../auth/scopes.decorator';
import { CreateTokenDto } from './dto/create-token.dto';

@ApiTags('tokens')
@ApiBearerAuth()
@Scopes('admin')
@Controller('admin/v1/tokens')
export class TokensController {
  constructor(private readonly auth: AuthService) {}

  /** The secret is in this response and nowhere else, ever. */
  @Post()
  issue(@Body() dto: CreateTokenDto): Promise<IssuedToken> {
    return this.auth.issueToken(dto.name, dto.scopes, { patchResponse: dto.patchResponse });
  }

  @Get()
  list(): Promise<TokenView[]> {
    return this.auth.listTokens();
  }

  @Delete(':id')
  @HttpCode(204)
  revoke(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.auth.revokeToken(id);
  }
}
