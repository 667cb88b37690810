import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddImportJobSubmitter1796385182588 implements MigrationInterface {
  name = 'AddImportJobSubmitter1796385182588';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_import_job_status"`);
    await queryRunner.query(`CREATE TABLE "temporary_import_job" ("id" varchar(36) PRIMARY KEY NOT NULL, "status" varchar(16) NOT NULL, "record_count" integer NOT NULL, "match_attribute" varchar(32) NOT NULL, "request_id" varchar(64), "lease_owner" varchar(64), "lease_until" datetime(3), "created_at" datetime(3) NOT NULL, "started_at" datetime(3), "finished_at" datetime(3), "submitted_by_token_id" varchar(36))`);
    await queryRunner.query(`INSERT INTO "temporary_import_job"("id", "status", "record_count", "match_attribute", "request_id", "lease_owner", "lease_until", "created_at", "started_at", "finished_at") SELECT "id", "status", "record_count", "match_attribute", "request_id", "lease_owner", "lease_until", "created_at", "started_at", "finished_at" FROM "import_job"`);
    await queryRunner.query(`DROP TABLE "import_job"`);
    await queryRunner.query(`ALTER TABLE "temporary_import_job" RENAME TO "import_job"`);
    await queryRunner.query(`CREATE INDEX "ix_import_job_status" ON "import_job" ("status", "lease_until") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_import_job_status"`);
    await queryRunner.query(`ALTER TABLE "import_job" RENAME TO "temporary_import_job"`);
    await queryRunner.query(`CREATE TABLE "import_job" ("id" varchar(36) PRIMARY KEY NOT NULL, "status" varchar(16) NOT NULL, "record_count" integer NOT NULL, "match_attribute" varchar(32) NOT NULL, "request_id" varchar(64), "lease_owner" varchar(64), "lease_until" datetime(3), "created_at" datetime(3) NOT NULL, "started_at" datetime(3), "finished_at" datetime(3))`);
    await queryRunner.query(`INSERT INTO "import_job"("id", "status", "record_count", "match_attribute", "request_id", "lease_owner", "lease_until", "created_at", "started_at", "finished_at") SELECT "id", "status", "record_count", "match_attribute", "request_id", "lease_owner", "lease_until", "created_at", "started_at", "finished_at" FROM "temporary_import_job"`);
    await queryRunner.query(`DROP TABLE "temporary_import_job"`);
    await queryRunner.query(`CREATE INDEX "ix_import_job_status" ON "import_job" ("status", "lease_until") `);
  }
}
