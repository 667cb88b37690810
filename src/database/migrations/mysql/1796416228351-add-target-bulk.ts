import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddTargetBulk1796416228351 implements MigrationInterface {
  name = 'AddTargetBulk1796416228351';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Existing targets get `auto`: /Bulk when they advertise it.
    await queryRunner.query(`ALTER TABLE \`provisioning_target\` ADD \`bulk\` varchar(4) NOT NULL DEFAULT 'auto'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`provisioning_target\` DROP COLUMN \`bulk\``);
  }
}
