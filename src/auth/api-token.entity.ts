import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const TOKEN_SCOPES = ['scim', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

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

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'datetime', precision: 3, nullable: true })
  lastUsedAt!: Date | null;
}
