import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddModifiedProperties1796402218050 implements MigrationInterface {
  name = 'AddModifiedProperties1796402218050';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`provisioning_log\` ADD \`modified_properties\` text NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`provisioning_log\` DROP COLUMN \`modified_properties\``);
  }
}
