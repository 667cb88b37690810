import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const TOKEN_SCOPES = ['scim', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
export const PATCH_RESPONSES = ['resource', 'no-content'] as const;
/** What a SCIM PATCH answers to this token: 200 with the resource (RFC 7644 §3.5.2), or 204 (some clients expect it). */
export type PatchResponse = (typeof PATCH_RESPONSES)[number];
export const UNKNOWN_ATTRIBUTE_CHOICES = ['reject', 'ignore'] as const;
/** What SCIM writes with this token do with attributes no schema defines: 400 naming them, or drop them. */
export type UnknownAttributeChoice = (typeof UNKNOWN_ATTRIBUTE_CHOICES)[number];

/** A bearer token. Only the SHA-256 of the secret is stored; the secret is shown once, at creation. */
@Entity('api_token')
export class ApiToken {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Index('uq_api_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  /** Comma-separated `TokenScope`s. */
  @Column({ type: 'varchar', length: 100 })
  scopes!: string;

  @Column({ name: 'patch_response', type: 'varchar', length: 16, default: 'resource' })
  patchResponse!: PatchResponse;

  @Column({ name: 'unknown_attributes', type: 'varchar', length: 16, default: 'reject' })
  unknownAttributes!: UnknownAttributeChoice;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'datetime', precision: 3, nullable: true })
  lastUsedAt!: Date | null;

  /** After this the token is refused; null: it does not expire. */
  @Column({ name: 'expires_at', type: 'datetime', precision: 3, nullable: true })
  expiresAt!: Date | null;

  /** After a rotation: the previous secret's hash, accepted until `previousValidUntil` (the grace period). */
  @Index('ix_api_token_previous_hash')
  @Column({ name: 'previous_token_hash', type: 'varchar', length: 64, nullable: true })
  previousTokenHash!: string | null;

  @Column({ name: 'previous_valid_until', type: 'datetime', precision: 3, nullable: true })
  previousValidUntil!: Date | null;

  /** Inbound requests a minute this token may make (each process counts its own); null: no limit. */
  @Column({ name: 'rate_limit_per_minute', type: 'integer', nullable: true })
  rateLimitPerMinute!: number | null;
}
