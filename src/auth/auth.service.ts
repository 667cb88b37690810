import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../common/clock';
import { NotFoundError } from '../common/errors';
import { ApiToken, PatchResponse, TokenScope } from './api-token.entity';
import { ApiTokensRepository } from './api-tokens.repository';

export interface AuthenticatedToken {
  id: string;
  name: string;
  scopes: TokenScope[];
  patchResponse: PatchResponse;
}

export interface TokenView extends AuthenticatedToken {
  createdAt: string;
  lastUsedAt: string | null;
}

export interface IssuedToken extends TokenView {
  /** The secret: returned once, here, and never again. */
  token: string;
}

const TOKEN_PREFIX = 'scgw_';
/** A verified token is trusted this long before its row is read again (revocation in this process is immediate). */
const CACHE_TTL_MS = 5_000;
/** `last_used_at` is written at most this often per token, so that reads stay reads. */
const TOUCH_INTERVAL_MS = 60_000;

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

@Injectable()
export class AuthService {
  private readonly cache = new Map<string, { token: AuthenticatedToken; until: number }>();
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly tokens: ApiTokensRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async issueToken(
    name: string,
    scopes: TokenScope[],
    options: { secret?: string; patchResponse?: PatchResponse } = {},
  ): Promise<IssuedToken> {
    const secret = options.secret;
    const token = secret ?? TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const row: ApiToken = {
      id: randomUUID(),
      name,
      tokenHash: hashToken(token),
      scopes: [...new Set(scopes)].sort().join(','),
      patchResponse: options.patchResponse ?? 'resource',
      createdAt: this.clock.now(),
      lastUsedAt: null,
    };
    await this.tokens.insert(row);
    return { ...toView(row), token };
  }

  async listTokens(): Promise<TokenView[]> {
    return (await this.tokens.list()).map(toView);
  }

  async revokeToken(id: string): Promise<void> {
    const row = await this.tokens.findById(id);
    if (!row || !(await this.tokens.delete(id))) throw new NotFoundError(`Token ${id} not found`);
    this.cache.delete(row.tokenHash);
  }

  async hasAnyToken(): Promise<boolean> {
    return (await this.tokens.count()) > 0;
  }

  /** The token behind an `Authorization: Bearer …` header if it was verified within the cache window, else undefined. */
  recentlyVerified(header: string | undefined): AuthenticatedToken | undefined {
    if (!header || header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
    const cached = this.cache.get(hashToken(header.slice(7).trim()));
    return cached && cached.until > Date.now() ? cached.token : undefined;
  }

  /** The token a bearer secret stands for, or null. Looked up by hash only: secrets are never stored. */
  async authenticate(secret: string): Promise<AuthenticatedToken | null> {
    const hash = hashToken(secret);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) return cached.token;
    const row = await this.tokens.findByHash(hash);
    if (!row) {
      this.cache.delete(hash);
      return null;
    }
    const token = toView(row);
    this.cache.set(hash, { token, until: now + CACHE_TTL_MS });
    if ((this.touched.get(row.id) ?? 0) + TOUCH_INTERVAL_MS < now) {
      this.touched.set(row.id, now);
      await this.tokens.touch(row.id, this.clock.now());
    }
    return { id: token.id, name: token.name, scopes: token.scopes, patchResponse: token.patchResponse };
  }
}

function toView(row: ApiToken): TokenView {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes.split(',').filter(Boolean) as TokenScope[],
    patchResponse: row.patchResponse,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt ? row.lastUsedAt.toISOString() : null,
  };
}
