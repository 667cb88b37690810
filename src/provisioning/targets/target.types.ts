import type {
  AuthType,
  BulkSetting,
  CompatibilityProfile,
  DeprovisionAction,
  ProvisioningTarget,
  TargetScope,
  UpdateStyle,
} from './provisioning-target.entity';

export interface TargetAuthInput {
  type: AuthType;
  token?: string;
  tokenUrl?: string;
  clientId?: string;
  clientSecret?: string;
  scope?: string;
}

export interface TargetSettingsInput {
  enabled?: boolean;
  scope?: TargetScope;
  profile?: CompatibilityProfile;
  updateStyle?: UpdateStyle;
  verifyUpdates?: boolean;
  bulk?: BulkSetting;
  provisionGroups?: boolean;
  deprovisionAction?: DeprovisionAction;
  skipOutOfScopeDeletions?: boolean;
  deletionThreshold?: number | null;
  deletionWindowMinutes?: number;
  concurrency?: number;
  requestsPerSecond?: number;
  timeoutMs?: number;
  reconcileIntervalMinutes?: number;
}

export interface TargetInput extends TargetSettingsInput {
  name?: string;
  baseUrl?: string;
  auth?: TargetAuthInput;
}

/** A target as the admin API shows it: every setting, never a secret. */
export interface TargetView {
  id: string;
  name: string;
  baseUrl: string;
  auth: { type: AuthType; tokenUrl?: string; clientId?: string; scope?: string; secretSet: true };
  enabled: boolean;
  paused: boolean;
  scope: TargetScope;
  profile: CompatibilityProfile;
  updateStyle: UpdateStyle;
  verifyUpdates: boolean;
  bulk: BulkSetting;
  provisionGroups: boolean;
  deprovisionAction: DeprovisionAction;
  skipOutOfScopeDeletions: boolean;
  deletionThreshold: number | null;
  deletionWindowMinutes: number;
  concurrency: number;
  requestsPerSecond: number;
  timeoutMs: number;
  reconcileIntervalMinutes: number;
  createdAt: string;
  updatedAt: string;
}

export function toTargetView(t: ProvisioningTarget): TargetView {
  return {
    id: t.id,
    name: t.name,
    baseUrl: t.baseUrl,
    auth:
      t.authType === 'bearer'
        ? { type: 'bearer', secretSet: true }
        : {
            type: 'oauth2',
            tokenUrl: t.tokenUrl ?? undefined,
            clientId: t.clientId ?? undefined,
            scope: t.oauthScope ?? undefined,
            secretSet: true,
          },
    enabled: t.enabled,
    paused: t.paused,
    scope: t.scope,
    profile: t.profile,
    updateStyle: t.updateStyle,
    verifyUpdates: t.verifyUpdates,
    bulk: t.bulk,
    provisionGroups: t.provisionGroups,
    deprovisionAction: t.deprovisionAction,
    skipOutOfScopeDeletions: t.skipOutOfScopeDeletions,
    deletionThreshold: t.deletionThreshold,
    deletionWindowMinutes: t.deletionWindowMinutes,
    concurrency: t.concurrency,
    requestsPerSecond: t.requestsPerSecond,
    timeoutMs: t.timeoutMs,
    reconcileIntervalMinutes: t.reconcileIntervalMinutes,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

/** The object types a target is sent work for: groups only when it provisions them (each would only be skipped). */
export function objectTypesOf(target: { provisionGroups: boolean } | null): ('User' | 'Group')[] {
  return target?.provisionGroups === false ? ['User'] : ['User', 'Group'];
}
