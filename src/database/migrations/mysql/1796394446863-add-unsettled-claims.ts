import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddUnsettledClaims1796394446863 implements MigrationInterface {
  name = 'AddUnsettledClaims1796394446863';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`provisioned_object\` ADD \`unsettled_claims\` int NOT NULL DEFAULT '0'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`provisioned_object\` DROP COLUMN \`unsettled_claims\``);
  }
}
