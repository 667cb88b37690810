import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateImportTables1795327254163 implements MigrationInterface {
  name = 'CreateImportTables1795327254163';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "import_job" ("id" varchar(36) PRIMARY KEY NOT NULL, "status" varchar(16) NOT NULL, "record_count" integer NOT NULL, "match_attribute" varchar(32) NOT NULL, "request_id" varchar(64), "lease_owner" varchar(64), "lease_until" datetime(3), "created_at" datetime(3) NOT NULL, "started_at" datetime(3), "finished_at" datetime(3))`);
    await queryRunner.query(`CREATE INDEX "ix_import_job_status" ON "import_job" ("status", "lease_until") `);
    await queryRunner.query(`CREATE TABLE "import_record" ("job_id" varchar(36) NOT NULL, "seq" integer NOT NULL, "bulk_id" varchar(255), "match_value" varchar(255), "payload" text, "status" varchar(16) NOT NULL, "reason" varchar(1000), "user_id" varchar(36), "processed_at" datetime(3), PRIMARY KEY ("job_id", "seq"))`);
    await queryRunner.query(`CREATE TABLE "pending_manager_reference" ("user_id" varchar(36) PRIMARY KEY NOT NULL, "manager_key" varchar(255) NOT NULL, "created_at" datetime(3) NOT NULL)`);
    await queryRunner.query(`CREATE INDEX "ix_pending_manager_key" ON "pending_manager_reference" ("manager_key") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_pending_manager_key"`);
    await queryRunner.query(`DROP TABLE "pending_manager_reference"`);
    await queryRunner.query(`DROP TABLE "import_record"`);
    await queryRunner.query(`DROP INDEX "ix_import_job_status"`);
    await queryRunner.query(`DROP TABLE "import_job"`);
  }
}
