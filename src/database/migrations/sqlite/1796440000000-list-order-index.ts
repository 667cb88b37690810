import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The deleted_at indexes of users and groups go on to the list order (`created_at`, `id`): an unfiltered page by
 * `startIndex` then reads the index entries before it, not the rows (the rows' table is the larger by far).
 */
export class ListOrderIndex1796440000000 implements MigrationInterface {
  name = 'ListOrderIndex1796440000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['directory_user', 'directory_group']) {
      await queryRunner.query(`DROP INDEX "ix_${table}_deleted_at"`);
      await queryRunner.query(`CREATE INDEX "ix_${table}_deleted_at" ON "${table}" ("deleted_at", "created_at", "id")`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['directory_user', 'directory_group']) {
      await queryRunner.query(`DROP INDEX "ix_${table}_deleted_at"`);
      await queryRunner.query(`CREATE INDEX "ix_${table}_deleted_at" ON "${table}" ("deleted_at")`);
    }
  }
}
