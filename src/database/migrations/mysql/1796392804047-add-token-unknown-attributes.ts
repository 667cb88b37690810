import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddTokenUnknownAttributes1796392804047 implements MigrationInterface {
  name = 'AddTokenUnknownAttributes1796392804047';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`api_token\` ADD \`unknown_attributes\` varchar(16) NOT NULL DEFAULT 'reject'`);
    await queryRunner.query(`ALTER TABLE \`import_job\` ADD \`unknown_attributes\` varchar(16) NOT NULL DEFAULT 'reject'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`import_job\` DROP COLUMN \`unknown_attributes\``);
    await queryRunner.query(`ALTER TABLE \`api_token\` DROP COLUMN \`unknown_attributes\``);
  }
}
