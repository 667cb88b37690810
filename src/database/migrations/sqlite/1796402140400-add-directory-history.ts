import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddDirectoryHistory1796402140400 implements MigrationInterface {
  name = 'AddDirectoryHistory1796402140400';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Nullable columns added in place: the journal may hold millions of rows (no table rebuild).
    await queryRunner.query(`ALTER TABLE "directory_change" ADD COLUMN "actor_kind" varchar(8)`);
    await queryRunner.query(`ALTER TABLE "directory_change" ADD COLUMN "actor_id" varchar(64)`);
    await queryRunner.query(`ALTER TABLE "directory_change" ADD COLUMN "actor_name" varchar(100)`);
    await queryRunner.query(`ALTER TABLE "directory_change" ADD COLUMN "actor_token_id" varchar(36)`);
    await queryRunner.query(`ALTER TABLE "directory_change" ADD COLUMN "changed_attributes" text`);
    await queryRunner.query(`ALTER TABLE "import_job" ADD COLUMN "submitted_by_token_name" varchar(100)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "import_job" DROP COLUMN "submitted_by_token_name"`);
    await queryRunner.query(`ALTER TABLE "directory_change" DROP COLUMN "changed_attributes"`);
    await queryRunner.query(`ALTER TABLE "directory_change" DROP COLUMN "actor_token_id"`);
    await queryRunner.query(`ALTER TABLE "directory_change" DROP COLUMN "actor_name"`);
    await queryRunner.query(`ALTER TABLE "directory_change" DROP COLUMN "actor_id"`);
    await queryRunner.query(`ALTER TABLE "directory_change" DROP COLUMN "actor_kind"`);
  }
}
