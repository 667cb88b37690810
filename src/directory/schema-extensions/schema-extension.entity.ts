import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A custom schema extension registered by an operator (RFC 7643 §3.3), loaded into the registry at boot. */
@Entity('schema_extension')
export class SchemaExtension {
  /** The extension's URN. */
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id!: string;

  @Column({ name: 'resource_type', type: 'varchar', length: 16 })
  resourceType!: string;

  /** The RFC 7643 §7 schema definition as JSON. */
  @Column({ type: 'text' })
  definition!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
