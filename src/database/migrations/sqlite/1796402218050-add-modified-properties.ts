import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddModifiedProperties1796402218050 implements MigrationInterface {
  name = 'AddModifiedProperties1796402218050';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_provisioning_log_target"`);
    await queryRunner.query(`DROP INDEX "ix_provisioning_log_object"`);
    await queryRunner.query(`DROP INDEX "ix_provisioning_log_created_at"`);
    await queryRunner.query(`CREATE TABLE "temporary_provisioning_log" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "target_id" varchar(36) NOT NULL, "object_type" varchar(8) NOT NULL, "object_id" varchar(36) NOT NULL, "target_object_id" varchar(255), "change_seq" integer, "action" varchar(8) NOT NULL, "status" varchar(8) NOT NULL, "reason" varchar(40), "detail" varchar(1000), "request" text, "response_status" integer, "response_excerpt" varchar(2000), "duration_ms" integer NOT NULL, "attempt" integer NOT NULL, "request_id" varchar(64), "created_at" datetime(3) NOT NULL, "modified_properties" text)`);
    await queryRunner.query(`INSERT INTO "temporary_provisioning_log"("id", "target_id", "object_type", "object_id", "target_object_id", "change_seq", "action", "status", "reason", "detail", "request", "response_status", "response_excerpt", "duration_ms", "attempt", "request_id", "created_at") SELECT "id", "target_id", "object_type", "object_id", "target_object_id", "change_seq", "action", "status", "reason", "detail", "request", "response_status", "response_excerpt", "duration_ms", "attempt", "request_id", "created_at" FROM "provisioning_log"`);
    await queryRunner.query(`DROP TABLE "provisioning_log"`);
    await queryRunner.query(`ALTER TABLE "temporary_provisioning_log" RENAME TO "provisioning_log"`);
    await queryRunner.query(`CREATE INDEX "ix_provisioning_log_target" ON "provisioning_log" ("target_id", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_provisioning_log_object" ON "provisioning_log" ("object_id", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_provisioning_log_created_at" ON "provisioning_log" ("created_at") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_provisioning_log_created_at"`);
    await queryRunner.query(`DROP INDEX "ix_provisioning_log_object"`);
    await queryRunner.query(`DROP INDEX "ix_provisioning_log_target"`);
    await queryRunner.query(`ALTER TABLE "provisioning_log" RENAME TO "temporary_provisioning_log"`);
    await queryRunner.query(`CREATE TABLE "provisioning_log" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "target_id" varchar(36) NOT NULL, "object_type" varchar(8) NOT NULL, "object_id" varchar(36) NOT NULL, "target_object_id" varchar(255), "change_seq" integer, "action" varchar(8) NOT NULL, "status" varchar(8) NOT NULL, "reason" varchar(40), "detail" varchar(1000), "request" text, "response_status" integer, "response_excerpt" varchar(2000), "duration_ms" integer NOT NULL, "attempt" integer NOT NULL, "request_id" varchar(64), "created_at" datetime(3) NOT NULL)`);
    await queryRunner.query(`INSERT INTO "provisioning_log"("id", "target_id", "object_type", "object_id", "target_object_id", "change_seq", "action", "status", "reason", "detail", "request", "response_status", "response_excerpt", "duration_ms", "attempt", "request_id", "created_at") SELECT "id", "target_id", "object_type", "object_id", "target_object_id", "change_seq", "action", "status", "reason", "detail", "request", "response_status", "response_excerpt", "duration_ms", "attempt", "request_id", "created_at" FROM "temporary_provisioning_log"`);
    await queryRunner.query(`DROP TABLE "temporary_provisioning_log"`);
    await queryRunner.query(`CREATE INDEX "ix_provisioning_log_created_at" ON "provisioning_log" ("created_at") `);
    await queryRunner.query(`CREATE INDEX "ix_provisioning_log_object" ON "provisioning_log" ("object_id", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_provisioning_log_target" ON "provisioning_log" ("target_id", "id") `);
  }
}
