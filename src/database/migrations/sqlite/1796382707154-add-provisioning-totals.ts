import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddProvisioningTotals1796382707154 implements MigrationInterface {
  name = 'AddProvisioningTotals1796382707154';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "provisioning_total" ("target_id" varchar(36) NOT NULL, "action" varchar(8) NOT NULL, "status" varchar(8) NOT NULL, "count" integer NOT NULL, PRIMARY KEY ("target_id", "action", "status"))`);
    // Statistics to date start from the entries the log still holds.
    await queryRunner.query(`INSERT INTO "provisioning_total" ("target_id", "action", "status", "count") SELECT "target_id", "action", "status", COUNT(*) FROM "provisioning_log" GROUP BY "target_id", "action", "status"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "provisioning_total"`);
  }
}
