import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditWriter } from '../audit/audit.writer';
import { changedFields } from '../audit/audit-fields';
import { type AdminActor, SECRET_CHANGED } from '../audit/audit.types';
import { CLOCK, Clock } from '../common/clock';
import { InvalidRequestError, NotFoundError } from '../common/errors';
import { TransactionRunner } from '../database/transaction-runner';
import { ApiToken, PatchResponse, TokenScope, UnknownAttributeChoice } from './api-token.entity';
import { ApiTokensRepository } from './api-tokens.repository';

export interface AuthenticatedToken {
  id: string;
  name: string;
  scopes: TokenScope[];
  patchResponse: PatchResponse;
  rateLimitPerMinute: number | null;
  unknownAttributes: UnknownAttributeChoice;
}

export interface TokenView extends AuthenticatedToken {
  createdAt: string;
  /** Written at most once a minute per token, so that reads stay reads. */
  lastUsedAt: string | null;
  expiresAt: string | null;
  /** After a rotation, until when the previous secret is still accepted. */
  previousSecretValidUntil: string | null;
}

export interface TokenOptions {
  secret?: string;
  patchResponse?: PatchResponse;
  expiresAt?: Date | null;
  rateLimitPerMinute?: number | null;
  unknownAttributes?: UnknownAttributeChoice;
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
    private readonly audit: AuditWriter,
    private readonly tx: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** `actor`: the admin who issues it, for the audit log; the first start's bootstrap tokens have none. */
  async issueToken(
    name: string,
    scopes: TokenScope[],
    options: TokenOptions = {},
    actor?: AdminActor,
  ): Promise<IssuedToken> {
    const token = options.secret ?? newSecret();
    const now = this.clock.now();
    if (options.expiresAt && options.expiresAt <= now)
      throw new InvalidRequestError('expiresAt must be in the future');
    const row: ApiToken = {
      id: randomUUID(),
      name,
      tokenHash: hashToken(token),
      scopes: [...new Set(scopes)].sort().join(','),
      patchResponse: options.patchResponse ?? 'resource',
      unknownAttributes: options.unknownAttributes ?? 'reject',
      createdAt: now,
      lastUsedAt: null,
      expiresAt: options.expiresAt ?? null,
      previousTokenHash: null,
      previousValidUntil: null,
      rateLimitPerMinute: options.rateLimitPerMinute ?? null,
    };
    await this.tx.run(async (m) => {
      await this.tokens.insert(m, row);
      if (actor)
        await this.audit.record(m, actor, {
          action: 'token.create',
          objectType: 'token',
          objectId: row.id,
          after: auditedToken(row),
        });
    });
    return { ...toView(row), token };
  }

  /**
   * Expiry, rate limit (null clears either) and unknown attributes; at once in this process, in others within the
   * verification cache's 5 s.
   */
  async changeToken(
    id: string,
    changes: Pick<TokenOptions, 'expiresAt' | 'rateLimitPerMinute' | 'unknownAttributes'>,
    actor: AdminActor,
  ): Promise<TokenView> {
    const row = await this.requireToken(id);
    if (changes.expiresAt && changes.expiresAt <= this.clock.now())
      throw new InvalidRequestError('expiresAt must be in the future');
    const given = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    const next: ApiToken = { ...row, ...given };
    await this.tx.run(async (m) => {
      await this.tokens.update(m, id, {
        expiresAt: next.expiresAt,
        rateLimitPerMinute: next.rateLimitPerMinute,
        unknownAttributes: next.unknownAttributes,
      });
      await this.audit.record(m, actor, {
        action: 'token.update',
        objectType: 'token',
        objectId: id,
        ...changedFields(auditedToken(row), auditedToken(next)),
      });
    });
    this.forget(row);
    return toView(next);
  }

  /**
   * A new secret for the same token (same id, scopes and settings); the old one keeps working for `graceSeconds`
   * (0: not at all), so that a client can switch without a gap. The new secret is in this response only.
   */
  async rotateToken(id: string, graceSeconds: number, actor: AdminActor): Promise<IssuedToken> {
    const row = await this.requireToken(id);
    const token = newSecret();
    const now = this.clock.now();
    const next: ApiToken = {
      ...row,
      tokenHash: hashToken(token),
      previousTokenHash: graceSeconds > 0 ? row.tokenHash : null,
      previousValidUntil: graceSeconds > 0 ? new Date(now.getTime() + graceSeconds * 1000) : null,
    };
    await this.tx.run(async (m) => {
      await this.tokens.update(m, id, {
        tokenHash: next.tokenHash,
        previousTokenHash: next.previousTokenHash,
        previousValidUntil: next.previousValidUntil,
      });
      await this.audit.record(m, actor, {
        action: 'token.rotate',
        objectType: 'token',
        objectId: id,
        after: { secret: SECRET_CHANGED, previousSecretValidUntil: toView(next).previousSecretValidUntil },
      });
    });
    this.forget(row);
    return { ...toView(next), token };
  }

  async listTokens(): Promise<TokenView[]> {
    return (await this.tokens.list()).map(toView);
  }

  async revokeToken(id: string, actor: AdminActor): Promise<void> {
    const row = await this.requireToken(id);
    const revoked = await this.tx.run(async (m) => {
      if (!(await this.tokens.delete(m, id))) return false;
      await this.audit.record(m, actor, {
        action: 'token.revoke',
        objectType: 'token',
        objectId: id,
        before: auditedToken(row),
      });
      return true;
    });
    if (!revoked) throw new NotFoundError(`Token ${id} not found`);
    this.forget(row);
  }

  async hasAnyToken(): Promise<boolean> {
    return (await this.tokens.count()) > 0;
  }

  /** The token behind an `Authorization: Bearer …` header if it was verified within the cache window, else undefined. */
  recentlyVerified(header: string | undefined): AuthenticatedToken | undefined {
    if (!header || header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
    const cached = this.cache.get(hashToken(header.slice(7).trim()));
    return cached && cached.until > this.clock.now().getTime() ? cached.token : undefined;
  }

  /**
   * The token a bearer secret stands for, or null: unknown, expired, or a previous secret past its grace period.
   * Looked up by hash only: secrets are never stored.
   */
  async authenticate(secret: string): Promise<AuthenticatedToken | null> {
    const hash = hashToken(secret);
    const now = this.clock.now().getTime();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) return cached.token;
    const current = await this.tokens.findByHash(hash);
    const previous = current ? null : await this.tokens.findByPreviousHash(hash);
    const row =
      current ?? (previous && (previous.previousValidUntil?.getTime() ?? 0) > now ? previous : null);
    if (!row || (row.expiresAt && row.expiresAt.getTime() <= now)) {
      this.cache.delete(hash);
      return null;
    }
    const token = toView(row);
    // Never trusted past its expiry or its grace period.
    const limits = [
      now + CACHE_TTL_MS,
      row.expiresAt?.getTime(),
      row === previous ? row.previousValidUntil?.getTime() : undefined,
    ];
    this.cache.set(hash, { token, until: Math.min(...limits.filter((n): n is number => n !== undefined)) });
    if ((this.touched.get(row.id) ?? 0) + TOUCH_INTERVAL_MS < now) {
      this.touched.set(row.id, now);
      await this.tokens.touch(row.id, this.clock.now());
    }
    return {
      id: token.id,
      name: token.name,
      scopes: token.scopes,
      patchResponse: token.patchResponse,
      rateLimitPerMinute: token.rateLimitPerMinute,
      unknownAttributes: token.unknownAttributes,
    };
  }

  private async requireToken(id: string): Promise<ApiToken> {
    const row = await this.tokens.findById(id);
    if (!row) throw new NotFoundError(`Token ${id} not found`);
    return row;
  }

  /** Drops a changed token's cached verifications in this process (others see it within the cache's 5 s). */
  private forget(row: ApiToken): void {
    this.cache.delete(row.tokenHash);
    if (row.previousTokenHash) this.cache.delete(row.previousTokenHash);
  }
}

function newSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** What the audit log shows of a token: its settings (the secret and its hashes never). */
function auditedToken(row: ApiToken) {
  const { name, scopes, patchResponse, unknownAttributes, rateLimitPerMinute, expiresAt } = row;
  return {
    name,
    scopes,
    patchResponse,
    unknownAttributes,
    rateLimitPerMinute,
    expiresAt: expiresAt?.toISOString() ?? null,
  };
}

function toView(row: ApiToken): TokenView {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes.split(',').filter(Boolean) as TokenScope[],
    patchResponse: row.patchResponse,
    rateLimitPerMinute: row.rateLimitPerMinute,
    unknownAttributes: row.unknownAttributes,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt ? row.lastUsedAt.toISOString() : null,
    expiresAt: row.expiresAt ? row.expiresAt.toISOString() : null,
    previousSecretValidUntil:
      row.previousTokenHash && row.previousValidUntil ? row.previousValidUntil.toISOString() : null,
  };
}
