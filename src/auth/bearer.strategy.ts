import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { AuthenticatedToken, AuthService } from './auth.service';

@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly auth: AuthService) {
    super();
  }

  /** Passport treats `false` as "bad token" (401). */
  async validate(secret: string): Promise<AuthenticatedToken | false> {
    return (await this.auth.authenticate(secret)) ?? false;
  }
}
