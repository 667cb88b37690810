import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { NetworkPolicy, RequestGate, ScimClient, TargetAuth } from '../client';
import { SecretBox } from '../secrets/secret-box';
import { ProvisioningTarget } from './provisioning-target.entity';
import { RateLimiter } from './rate-limiter';

export interface TargetConnection {
  client: ScimClient;
  limiter: RateLimiter;
}

export const secretContext = (targetId: string) => `provisioning_target:${targetId}:secret`;

/**
 * One SCIM client (keep-alive sockets, OAuth token cache) per target version; one request gate and one rate limiter
 * per target, shared by its versions, so the requests of a replaced client (in flight, or still taken by a batch
 * that read the target before the change) count against the new `concurrency` and `requestsPerSecond` too.
 */
@Injectable()
export class TargetClients implements OnApplicationShutdown {
  private readonly cache = new Map<string, { version: number; connection: TargetConnection }>();
  private readonly limits = new Map<string, { gate: RequestGate; limiter: RateLimiter }>();

  constructor(
    private readonly secrets: SecretBox,
    private readonly policy: NetworkPolicy,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The connection for the target's settings. A caller holding an older read of the target (the engine read it just
   * before an edit) gets the newer connection, never replaces it: replacing it back and forth closed a client while
   * a test connection was using it.
   */
  connectionFor(target: ProvisioningTarget): TargetConnection {
    const hit = this.cache.get(target.id);
    if (hit && hit.version >= target.version) return hit.connection;
    hit?.connection.client.close();
    const secret = this.secrets.decrypt(target.secretEnvelope, secretContext(target.id));
    const auth: TargetAuth =
      target.authType === 'bearer'
        ? { type: 'bearer', token: secret }
        : {
            type: 'oauth2',
            tokenUrl: target.tokenUrl ?? '',
            clientId: target.clientId ?? '',
            clientSecret: secret,
            scope: target.oauthScope ?? undefined,
          };
    const limits = this.limitsFor(target);
    const connection = {
      client: new ScimClient({
        baseUrl: target.baseUrl,
        auth,
        timeoutMs: target.timeoutMs,
        allowInsecureHttp: this.config.provisioning.allowInsecureTargets,
        networkPolicy: this.policy,
        // Requests wait their turn in the client (`concurrency` at once); one more socket for the OAuth token.
        gate: limits.gate,
        maxSockets: target.concurrency + 1,
      }),
      limiter: limits.limiter,
    };
    this.cache.set(target.id, { version: target.version, connection });
    return connection;
  }

  forget(targetId: string): void {
    this.cache.get(targetId)?.connection.client.close();
    this.cache.delete(targetId);
    this.limits.delete(targetId);
  }

  /** The target's gate and limiter, set to its current settings. */
  private limitsFor(target: ProvisioningTarget): { gate: RequestGate; limiter: RateLimiter } {
    const known = this.limits.get(target.id);
    if (!known) {
      const fresh = {
        gate: new RequestGate(target.concurrency),
        limiter: new RateLimiter(target.requestsPerSecond),
      };
      this.limits.set(target.id, fresh);
      return fresh;
    }
    known.gate.setLimit(target.concurrency);
    known.limiter.setRate(target.requestsPerSecond);
    return known;
  }

  onApplicationShutdown(): void {
    for (const { connection } of this.cache.values()) connection.client.destroy();
    this.cache.clear();
    this.limits.clear();
  }
}
