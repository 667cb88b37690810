import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CLOCK, Clock } from '../common/clock';
import { AdminAuditEntry } from './admin-audit.entity';
import { auditJson } from './audit-fields';
import type { AdminActor, AuditEvent } from './audit.types';

/**
 * Appends an admin change to the audit log in the caller's transaction (its EntityManager): the entry commits with
 * the change or not at all, so a refused or failed mutation leaves none.
 */
@Injectable()
export class AuditWriter {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  async record(manager: EntityManager, actor: AdminActor, event: AuditEvent): Promise<void> {
    await manager.insert(AdminAuditEntry, {
      createdAt: this.clock.now(),
      actorTokenId: actor.tokenId,
      actorTokenName: actor.tokenName,
      requestId: actor.requestId,
      action: event.action,
      objectType: event.objectType,
      objectId: event.objectId,
      targetId: event.targetId ?? null,
      before: auditJson(event.before),
      after: auditJson(event.after),
    });
  }
}
