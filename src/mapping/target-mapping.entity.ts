import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A target's mapping set as edited through the admin API. A target without a row uses Entra's default
 * mapping for a generic SCIM app, so it provisions before anyone edits it.
 */
@Entity('target_mapping')
export class TargetMapping {
  @PrimaryColumn({ name: 'target_id', type: 'varchar', length: 36 })
  targetId!: string;

  /** The MappingSet as JSON, validated before it is written. */
  @Column({ type: 'text' })
  definition!: string;

  /** 1 for the first saved set, +1 on every replace; keys the compiled-set cache. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
