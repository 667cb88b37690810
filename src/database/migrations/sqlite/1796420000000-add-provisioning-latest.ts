import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddProvisioningLatest1796420000000 implements MigrationInterface {
  name = 'AddProvisioningLatest1796420000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "provisioning_latest" ("target_id" varchar(36) NOT NULL, "kind" varchar(8) NOT NULL, "created_at" datetime(3) NOT NULL, "object_id" varchar(36) NOT NULL, "action" varchar(8) NOT NULL, "status" varchar(8) NOT NULL, "request" text, "response_status" integer, PRIMARY KEY ("target_id", "kind"))`);
    // Each target's latest request and success, from the entries the log still holds.
    await queryRunner.query(
      `INSERT INTO "provisioning_latest" ("target_id", "kind", "created_at", "object_id", "action", "status", "request", "response_status") SELECT l."target_id", 'request', l."created_at", l."object_id", l."action", l."status", l."request", l."response_status" FROM "provisioning_log" l JOIN (SELECT MAX("id") AS "id" FROM "provisioning_log" WHERE "request" IS NOT NULL GROUP BY "target_id") m ON l."id" = m."id"`,
    );
    await queryRunner.query(
      `INSERT INTO "provisioning_latest" ("target_id", "kind", "created_at", "object_id", "action", "status", "request", "response_status") SELECT l."target_id", 'success', l."created_at", l."object_id", l."action", l."status", l."request", l."response_status" FROM "provisioning_log" l JOIN (SELECT MAX("id") AS "id" FROM "provisioning_log" WHERE "status" = 'Success' GROUP BY "target_id") m ON l."id" = m."id"`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "provisioning_latest"`);
  }
}
