import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { changedFields } from '../../audit/audit-fields';
import { type AdminActor, SECRET_CHANGED } from '../../audit/audit.types';
import { AuditWriter } from '../../audit/audit.writer';
import { CLOCK, Clock } from '../../common/clock';
import { ConflictError, InvalidRequestError, NotFoundError } from '../../common/errors';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { isUniqueViolation } from '../../database/db-errors';
import { TransactionRunner } from '../../database/transaction-runner';
import { JournalReader } from '../../directory/journal/journal.reader';
import { MappingsService } from '../../mapping/mappings.service';
import { AssignmentsRepository } from '../assignments/assignments.repository';
import { AssignmentsService } from '../assignments/assignments.service';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { assertTargetUrl, ConnectionVerdict, NetworkPolicy } from '../client';
import { WorkQueueRepository } from '../queue/work-queue.repository';
import { SecretBox } from '../secrets/secret-box';
import { BulkCapabilities, BulkMode } from './bulk-capabilities.service';
import { ProvisioningTarget } from './provisioning-target.entity';
import { secretContext, TargetClients } from './target-clients.service';
import { TargetAuthInput, TargetInput, TargetView, toTargetView } from './target.types';
import { TargetsRepository } from './targets.repository';
import { MatchIndexes } from '../sync/match-indexes.service';

/** Downstream apps: registration, settings, secrets (encrypted, write-only), pause and resume. */
@Injectable()
export class TargetsService {
  constructor(
    private readonly targets: TargetsRepository,
    private readonly clients: TargetClients,
    private readonly mappings: MappingsService,
    private readonly journal: JournalReader,
    private readonly assignments: AssignmentsRepository,
    private readonly secrets: SecretBox,
    private readonly policy: NetworkPolicy,
    private readonly queue: WorkQueueRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditWriter,
    private readonly bulk: BulkCapabilities,
    private readonly matchIndexes: MatchIndexes,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A new target starts with a full reconciliation: everything in scope is provisioned (Entra's initial cycle). */
  async registerTarget(input: TargetInput, actor: AdminActor): Promise<TargetView> {
    if (!input.name || !input.baseUrl || !input.auth)
      throw new InvalidRequestError('name, baseUrl and auth are required');
    const id = randomUUID();
    const now = this.clock.now();
    const target: ProvisioningTarget = {
      id,
      name: input.name,
      baseUrl: await this.reachableUrl(input.baseUrl, 'baseUrl'),
      ...(await this.authColumns(id, input.auth)),
      enabled: input.enabled ?? true,
      paused: false,
      // Entra's default for a new app: only assigned users and groups.
      scope: input.scope ?? 'assigned',
      profile: input.profile ?? 'entra',
      updateStyle: input.updateStyle ?? 'PATCH',
      verifyUpdates: input.verifyUpdates ?? false,
      bulk: input.bulk ?? 'auto',
      provisionGroups: input.provisionGroups ?? true,
      deprovisionAction: input.deprovisionAction ?? 'disable',
      skipOutOfScopeDeletions: input.skipOutOfScopeDeletions ?? false,
      deletionThreshold: input.deletionThreshold ?? null,
      deletionWindowMinutes: input.deletionWindowMinutes ?? 60,
      concurrency: input.concurrency ?? 8,
      requestsPerSecond: input.requestsPerSecond ?? 25,
      timeoutMs: input.timeoutMs ?? 30_000,
      reconcileIntervalMinutes:
        input.reconcileIntervalMinutes ?? this.config.provisioning.reconcileIntervalMinutes,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await this.tx
      .run(async (manager) => {
        const head = await this.journal.head(manager);
        await this.assignments.insertRole(manager, AssignmentsService.defaultRole(id, now));
        await this.targets.insert(manager, target, {
          targetId: id,
          journalCursor: head,
          quarantine: null,
          reconcileRequested: true,
          lastReconcileAt: null,
          lastReconcileSummary: null,
          orphanScanRequested: false,
          lastOrphanScan: null,
          deletionHold: null,
          updatedAt: now,
        });
        await this.audit.record(manager, actor, {
          action: 'target.create',
          ...targetObject(id),
          after: auditedTarget(target),
        });
      })
      .catch(rethrowDuplicateName);
    return toTargetView(target);
  }

  async listTargets(): Promise<TargetView[]> {
    return (await this.targets.list()).map(toTargetView);
  }

  async getTarget(id: string): Promise<TargetView> {
    return toTargetView(await this.requireTarget(id));
  }

  async requireTarget(id: string): Promise<ProvisioningTarget> {
    const target = await this.targets.find(id);
    if (!target) throw new NotFoundError(`Target ${id} not found`);
    return target;
  }

  /**
   * Audited as `target.update` (the settings that changed) and, when a secret is given, as
   * `target.credentials.replace` (which says "changed", never the secret).
   */
  async changeTarget(id: string, input: TargetInput, actor: AdminActor): Promise<TargetView> {
    const current = await this.requireTarget(id);
    const changes: Partial<ProvisioningTarget> = {};
    for (const key of [
      'name',
      'enabled',
      'scope',
      'profile',
      'updateStyle',
      'verifyUpdates',
      'bulk',
      'provisionGroups',
      'deprovisionAction',
      'skipOutOfScopeDeletions',
      'deletionThreshold',
      'deletionWindowMinutes',
      'concurrency',
      'requestsPerSecond',
      'timeoutMs',
      'reconcileIntervalMinutes',
    ] as const) {
      if (input[key] !== undefined) Object.assign(changes, { [key]: input[key] });
    }
    if (input.baseUrl !== undefined) changes.baseUrl = await this.reachableUrl(input.baseUrl, 'baseUrl');
    if (input.auth) Object.assign(changes, await this.authColumns(id, input.auth, current));
    changes.version = current.version + 1;
    changes.updatedAt = this.clock.now();
    const secretGiven =
      input.auth !== undefined &&
      (input.auth.type === 'bearer' ? input.auth.token : input.auth.clientSecret) !== undefined;
    await this.tx
      .run(async (m) => {
        await this.targets.update(id, changes, m);
        const settings = changedFields(auditedTarget(current), auditedTarget({ ...current, ...changes }));
        if (Object.keys(settings.after).length > 0 || !secretGiven)
          await this.audit.record(m, actor, { action: 'target.update', ...targetObject(id), ...settings });
        if (secretGiven)
          await this.audit.record(m, actor, {
            action: 'target.credentials.replace',
            ...targetObject(id),
            after: { auth: { type: changes.authType, secret: SECRET_CHANGED } },
          });
      })
      .catch(rethrowDuplicateName);
    this.clients.forget(id);
    // Who is in scope changed (or whether groups are provisioned): every object is evaluated again, like a saved
    // mapping (Entra restarts the cycle).
    // Changes the target did not keep are tried once more under a new profile or update style: at once, not at the
    // next scheduled reconciliation.
    const sendsDifferently =
      (input.profile !== undefined && input.profile !== current.profile) ||
      (input.updateStyle !== undefined && input.updateStyle !== current.updateStyle);
    if (
      (input.scope !== undefined && input.scope !== current.scope) ||
      (input.provisionGroups !== undefined && input.provisionGroups !== current.provisionGroups) ||
      (sendsDifferently && (await this.queue.hasIgnoredChanges(id)))
    )
      await this.targets.updateRuntime(id, { reconcileRequested: true, updatedAt: this.clock.now() });
    return this.getTarget(id);
  }

  async removeTarget(id: string, actor: AdminActor): Promise<void> {
    const current = await this.requireTarget(id);
    const removed = await this.tx.run(async (manager) => {
      if (!(await this.targets.remove(manager, id))) return false;
      await this.audit.record(manager, actor, {
        action: 'target.delete',
        ...targetObject(id),
        before: auditedTarget(current),
      });
      await this.mappings.removeMappingSet(manager, id);
      await this.assignments.removeTarget(manager, id);
      return true;
    });
    if (!removed) throw new NotFoundError(`Target ${id} not found`);
    this.clients.forget(id);
    this.bulk.forget(id);
    this.mappings.forget(id);
    this.matchIndexes.forget(id);
  }

  /**
   * Key rotation: every target secret not encrypted with the current key (the first of SECRET_KEY) is decrypted with
   * its own and encrypted again with the current one; after that the old keys can leave SECRET_KEY.
   */
  async reencryptSecrets(): Promise<{ reencrypted: number; alreadyCurrent: number; keyId: string | null }> {
    let reencrypted = 0;
    let alreadyCurrent = 0;
    for (const target of await this.targets.list()) {
      if (this.secrets.isCurrent(target.secretEnvelope)) {
        alreadyCurrent++;
        continue;
      }
      const context = secretContext(target.id);
      const secretEnvelope = this.secrets.encrypt(
        this.secrets.decrypt(target.secretEnvelope, context),
        context,
      );
      // A new version: every process's cached client is rebuilt from the rewritten value.
      await this.targets.update(target.id, { secretEnvelope, version: target.version + 1 });
      this.clients.forget(target.id);
      reencrypted++;
    }
    return { reencrypted, alreadyCurrent, keyId: this.secrets.currentKeyId };
  }

  async pauseTarget(id: string, actor: AdminActor): Promise<TargetView> {
    return this.setPaused(id, true, actor);
  }

  async resumeTarget(id: string, actor: AdminActor): Promise<TargetView> {
    return this.setPaused(id, false, actor);
  }

  /**
   * Entra's Test Connection: a filter on a random userName must answer 200 with an empty list. A target that passes
   * has its `/ServiceProviderConfig` read too: `bulk` says whether its writes will go through `/Bulk`, and why.
   */
  async testConnection(id: string): Promise<ConnectionVerdict & { bulk?: BulkMode }> {
    const target = await this.requireTarget(id);
    const verdict = await this.clients.connectionFor(target).client.testConnection();
    return verdict.ok ? { ...verdict, bulk: await this.bulk.check(target) } : verdict;
  }

  private async setPaused(id: string, paused: boolean, actor: AdminActor): Promise<TargetView> {
    const current = await this.requireTarget(id);
    await this.tx.run(async (m) => {
      await this.targets.update(id, { paused, updatedAt: this.clock.now(), version: current.version + 1 }, m);
      await this.audit.record(m, actor, {
        action: paused ? 'target.pause' : 'target.resume',
        ...targetObject(id),
        before: { paused: current.paused },
        after: { paused },
      });
    });
    return this.getTarget(id);
  }

  /**
   * The URL, if its scheme is acceptable and its host is not one the network policy refuses (an IP literal, or a
   * name resolving to one). A name that does not resolve now is accepted: Test connection says so, and every
   * request checks the address it resolves to then.
   */
  private async reachableUrl(raw: string, label: string): Promise<string> {
    const url = assertTargetUrl(raw, label, this.config.provisioning.allowInsecureTargets);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host)
      ? [host]
      : await lookup(host, { all: true }).then(
          (found) => found.map((a) => a.address),
          () => [],
        );
    for (const address of addresses) {
      const why = this.policy.refusal(address);
      if (why) throw new InvalidRequestError(`${label} is refused by the gateway's network policy: ${why}`);
    }
    return url.href.replace(/\/+$/, '');
  }

  /** Secrets are encrypted with the target id as context; on an edit, an omitted secret keeps the stored one. */
  private async authColumns(
    id: string,
    auth: TargetAuthInput,
    current?: ProvisioningTarget,
  ): Promise<
    Pick<ProvisioningTarget, 'authType' | 'tokenUrl' | 'clientId' | 'oauthScope' | 'secretEnvelope'>
  > {
    const keep = current && current.authType === auth.type ? current.secretEnvelope : undefined;
    const seal = (secret: string | undefined, name: string): string => {
      if (secret !== undefined) return this.secrets.encrypt(secret, secretContext(id));
      if (keep) return keep;
      throw new InvalidRequestError(`auth.${name} is required for auth type ${auth.type}`);
    };
    if (auth.type === 'bearer') {
      return {
        authType: 'bearer',
        tokenUrl: null,
        clientId: null,
        oauthScope: null,
        secretEnvelope: seal(auth.token, 'token'),
      };
    }
    const tokenUrl = auth.tokenUrl ?? current?.tokenUrl ?? undefined;
    const clientId = auth.clientId ?? current?.clientId ?? undefined;
    if (!tokenUrl) throw new InvalidRequestError('auth.tokenUrl is required for auth type oauth2');
    if (!clientId) throw new InvalidRequestError('auth.clientId is required for auth type oauth2');
    return {
      authType: 'oauth2',
      tokenUrl: await this.reachableUrl(tokenUrl, 'auth.tokenUrl'),
      clientId,
      oauthScope: auth.scope ?? null,
      secretEnvelope: seal(auth.clientSecret, 'clientSecret'),
    };
  }
}

const targetObject = (id: string) => ({ objectType: 'target', objectId: id, targetId: id }) as const;

/** What the audit log shows of a target: its admin view (which holds no secret) without the timestamps. */
function auditedTarget(t: ProvisioningTarget): Record<string, unknown> {
  const { id: _id, createdAt: _c, updatedAt: _u, ...settings } = toTargetView(t);
  return settings;
}

function rethrowDuplicateName(err: unknown): never {
  if (isUniqueViolation(err)) throw new ConflictError('A target with this name already exists');
  throw err;
}
