import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const COMPATIBILITY_PROFILES = ['entra', 'entra-legacy', 'rfc'] as const;
export type CompatibilityProfile = (typeof COMPATIBILITY_PROFILES)[number];
export const UPDATE_STYLES = ['PATCH', 'PUT'] as const;
export type UpdateStyle = (typeof UPDATE_STYLES)[number];
export const DEPROVISION_ACTIONS = ['disable', 'delete'] as const;
export type DeprovisionAction = (typeof DEPROVISION_ACTIONS)[number];
export const AUTH_TYPES = ['bearer', 'oauth2'] as const;
/** Entra's provisioning scope: "Sync only assigned users and groups" or "Sync all users and groups". */
export const TARGET_SCOPES = ['assigned', 'all'] as const;
export type TargetScope = (typeof TARGET_SCOPES)[number];
export type AuthType = (typeof AUTH_TYPES)[number];
/** Outbound `/Bulk` (RFC 7644 §3.7), only ever to a target that advertises it. */
export const BULK_SETTINGS = ['auto', 'on', 'off'] as const;
export type BulkSetting = (typeof BULK_SETTINGS)[number];

/** A downstream SCIM app the gateway provisions. Its secret is an AES-256-GCM envelope (SecretBox), never returned. */
@Entity('provisioning_target')
export class ProvisioningTarget {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('uq_provisioning_target_name', { unique: true })
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'base_url', type: 'varchar', length: 1000 })
  baseUrl!: string;

  @Column({ name: 'auth_type', type: 'varchar', length: 8 })
  authType!: AuthType;

  @Column({ name: 'token_url', type: 'varchar', length: 1000, nullable: true })
  tokenUrl!: string | null;

  @Column({ name: 'client_id', type: 'varchar', length: 255, nullable: true })
  clientId!: string | null;

  @Column({ name: 'oauth_scope', type: 'varchar', length: 255, nullable: true })
  oauthScope!: string | null;

  /** The bearer token or the OAuth client secret, encrypted with the target id as authenticated context. */
  @Column({ name: 'secret_envelope', type: 'text' })
  secretEnvelope!: string;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'boolean' })
  paused!: boolean;

  @Column({ type: 'varchar', length: 16 })
  profile!: CompatibilityProfile;

  @Column({ name: 'update_style', type: 'varchar', length: 8 })
  updateStyle!: UpdateStyle;

  /** Read a resource back after each update and compare what was just set: some apps answer 2xx and drop it. */
  @Column({ name: 'verify_updates', type: 'boolean' })
  verifyUpdates!: boolean;

  /**
   * `auto`: writes go through `/Bulk` when the target advertises it, a lone one as a plain request; `on`: every write
   * through `/Bulk`, alone or not (still only when advertised); `off`: never.
   */
  @Column({ type: 'varchar', length: 4, default: 'auto' })
  bulk!: BulkSetting;

  /** Who is provisioned: assigned users and groups only, or everyone (scoping filters narrow either). */
  @Column({ type: 'varchar', length: 8 })
  scope!: TargetScope;

  @Column({ name: 'provision_groups', type: 'boolean' })
  provisionGroups!: boolean;

  @Column({ name: 'deprovision_action', type: 'varchar', length: 8 })
  deprovisionAction!: DeprovisionAction;

  /** Entra's SkipOutOfScopeDeletions: users leaving scope are left alone in the target. */
  @Column({ name: 'skip_out_of_scope_deletions', type: 'boolean' })
  skipOutOfScopeDeletions!: boolean;

  /**
   * Most disables and deletes sent within `deletionWindowMinutes`, incremental work and reconciliations alike; null
   * for no limit (Entra's accidental-deletion threshold). Beyond it they are held for an admin to release.
   */
  @Column({ name: 'deletion_threshold', type: 'integer', nullable: true })
  deletionThreshold!: number | null;

  @Column({ name: 'deletion_window_minutes', type: 'integer' })
  deletionWindowMinutes!: number;

  @Column({ type: 'integer' })
  concurrency!: number;

  @Column({ name: 'requests_per_second', type: 'integer' })
  requestsPerSecond!: number;

  @Column({ name: 'timeout_ms', type: 'integer' })
  timeoutMs!: number;

  @Column({ name: 'reconcile_interval_minutes', type: 'integer' })
  reconcileIntervalMinutes!: number;

  /** +1 on every edit: keys the cached SCIM client. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
