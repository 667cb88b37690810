import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddIgnoredChanges1796393754915 implements MigrationInterface {
  name = 'AddIgnoredChanges1796393754915';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`provisioned_object\` ADD \`ignored_changes\` text NULL`);
    // Existing targets get 0, MySQL's implicit default of a NOT NULL integer: they do not read back their updates.
    await queryRunner.query(`ALTER TABLE \`provisioning_target\` ADD \`verify_updates\` tinyint NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`provisioning_target\` DROP COLUMN \`verify_updates\``);
    await queryRunner.query(`ALTER TABLE \`provisioned_object\` DROP COLUMN \`ignored_changes\``);
  }
}
