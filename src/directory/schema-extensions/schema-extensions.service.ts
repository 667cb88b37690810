import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AdminActor } from '../../audit/audit.types';
import { AuditWriter } from '../../audit/audit.writer';
import { CLOCK, Clock } from '../../common/clock';
import { ConflictError } from '../../common/errors';
import { isUniqueViolation } from '../../database/db-errors';
import { TransactionRunner } from '../../database/transaction-runner';
import { SchemaRegistry, type SchemaDefinition } from '../../scim-protocol';
import { SchemaExtension } from './schema-extension.entity';

/** Other processes' registrations reach this one within this time. */
const REFRESH_MS = 30_000;

/**
 * Custom schema extensions (RFC 7643 §3.3): stored, loaded into the directory's schema registry at boot,
 * and from then on served by /Schemas and /ResourceTypes, type-checked on write, filterable and sortable.
 */
@Injectable()
export class SchemaExtensionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: SchemaRegistry,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditWriter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void loadRegisteredExtensions(this.dataSource, this.registry).catch(() => undefined),
      REFRESH_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Validates (the registry refuses bad definitions with 400) and stores; 409 when the URN exists. */
  async registerExtension(
    schema: SchemaDefinition,
    resourceType: 'User' | 'Group',
    actor: AdminActor,
  ): Promise<SchemaDefinition> {
    if (this.registry.schema(schema.id)) throw new ConflictError(`Schema ${schema.id} is already registered`);
    const probe = new SchemaRegistry();
    probe.registerExtension(schema, resourceType);
    try {
      await this.tx.run(async (m) => {
        await m.insert(SchemaExtension, {
          id: schema.id,
          resourceType,
          definition: JSON.stringify(schema),
          createdAt: this.clock.now(),
        });
        await this.audit.record(m, actor, {
          action: 'schema.create',
          objectType: 'schema',
          objectId: schema.id,
          after: { resourceType, ...schema },
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`Schema ${schema.id} is already registered`);
      throw err;
    }
    this.registry.registerExtension(schema, resourceType);
    return schema;
  }

  listExtensions(): SchemaDefinition[] {
    return this.registry.schemas().filter((s) => !this.registry.isBuiltIn(s.id));
  }
}

/** Adds the stored extensions the registry does not know yet (at boot, and to see other processes' additions). */
export async function loadRegisteredExtensions(
  dataSource: DataSource,
  registry: SchemaRegistry,
): Promise<void> {
  const rows = await dataSource.manager.find(SchemaExtension, { order: { createdAt: 'ASC' } });
  for (const row of rows) {
    if (!registry.schema(row.id))
      registry.registerExtension(JSON.parse(row.definition) as SchemaDefinition, row.resourceType);
  }
}
