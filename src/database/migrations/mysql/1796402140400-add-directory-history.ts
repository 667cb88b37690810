import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddDirectoryHistory1796402140400 implements MigrationInterface {
  name = 'AddDirectoryHistory1796402140400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`directory_change\` ADD \`actor_kind\` varchar(8) NULL`);
    await queryRunner.query(`ALTER TABLE \`directory_change\` ADD \`actor_id\` varchar(64) NULL`);
    await queryRunner.query(`ALTER TABLE \`directory_change\` ADD \`actor_name\` varchar(100) NULL`);
    await queryRunner.query(`ALTER TABLE \`directory_change\` ADD \`actor_token_id\` varchar(36) NULL`);
    await queryRunner.query(`ALTER TABLE \`directory_change\` ADD \`changed_attributes\` text NULL`);
    await queryRunner.query(`ALTER TABLE \`import_job\` ADD \`submitted_by_token_name\` varchar(100) NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`import_job\` DROP COLUMN \`submitted_by_token_name\``);
    await queryRunner.query(`ALTER TABLE \`directory_change\` DROP COLUMN \`changed_attributes\``);
    await queryRunner.query(`ALTER TABLE \`directory_change\` DROP COLUMN \`actor_token_id\``);
    await queryRunner.query(`ALTER TABLE \`directory_change\` DROP COLUMN \`actor_name\``);
    await queryRunner.query(`ALTER TABLE \`directory_change\` DROP COLUMN \`actor_id\``);
    await queryRunner.query(`ALTER TABLE \`directory_change\` DROP COLUMN \`actor_kind\``);
  }
}
