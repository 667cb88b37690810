import { Injectable } from '@nestjs/common';
import { AuthService } from './auth.service';

/** The key of requests that no token limits: @fastify/rate-limit lets them through. */
export const UNLIMITED = 'unlimited';

/**
 * What the inbound rate limiter asks of a request: the token it comes with, if that token has a limit, and the
 * limit. The token is verified as the guard will (the same cache), so a limited token costs no extra read.
 */
@Injectable()
export class TokenRateLimits {
  private readonly limits = new Map<string, number>();

  constructor(private readonly auth: AuthService) {}

  /** The token's id when it has a limit, else UNLIMITED (no token, a bad one, or no limit: the guard decides). */
  async keyOf(authorization: string | undefined): Promise<string> {
    if (!authorization || authorization.slice(0, 7).toLowerCase() !== 'bearer ') return UNLIMITED;
    const token = await this.auth.authenticate(authorization.slice(7).trim());
    if (!token?.rateLimitPerMinute) return UNLIMITED;
    this.limits.set(token.id, token.rateLimitPerMinute);
    return token.id;
  }

  perMinute(key: string): number {
    return this.limits.get(key) ?? Number.MAX_SAFE_INTEGER;
  }
}
