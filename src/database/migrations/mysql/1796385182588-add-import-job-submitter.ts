import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddImportJobSubmitter1796385182588 implements MigrationInterface {
  name = 'AddImportJobSubmitter1796385182588';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`import_job\` ADD \`submitted_by_token_id\` varchar(36) NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`import_job\` DROP COLUMN \`submitted_by_token_id\``);
  }
}
