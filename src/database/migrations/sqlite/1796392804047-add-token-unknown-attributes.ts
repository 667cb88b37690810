import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddTokenUnknownAttributes1796392804047 implements MigrationInterface {
  name = 'AddTokenUnknownAttributes1796392804047';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_api_token_previous_hash"`);
    await queryRunner.query(`DROP INDEX "uq_api_token_hash"`);
    await queryRunner.query(`CREATE TABLE "temporary_api_token" ("id" varchar(36) PRIMARY KEY NOT NULL, "name" varchar(100) NOT NULL, "token_hash" varchar(64) NOT NULL, "scopes" varchar(100) NOT NULL, "created_at" datetime(3) NOT NULL, "last_used_at" datetime(3), "patch_response" varchar(16) NOT NULL DEFAULT ('resource'), "expires_at" datetime(3), "previous_token_hash" varchar(64), "previous_valid_until" datetime(3), "rate_limit_per_minute" integer, "unknown_attributes" varchar(16) NOT NULL DEFAULT ('reject'))`);
    await queryRunner.query(`INSERT INTO "temporary_api_token"("id", "name", "token_hash", "scopes", "created_at", "last_used_at", "patch_response", "expires_at", "previous_token_hash", "previous_valid_until", "rate_limit_per_minute") SELECT "id", "name", "token_hash", "scopes", "created_at", "last_used_at", "patch_response", "expires_at", "previous_token_hash", "previous_valid_until", "rate_limit_per_minute" FROM "api_token"`);
    await queryRunner.query(`DROP TABLE "api_token"`);
    await queryRunner.query(`ALTER TABLE "temporary_api_token" RENAME TO "api_token"`);
    await queryRunner.query(`CREATE INDEX "ix_api_token_previous_hash" ON "api_token" ("previous_token_hash") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_api_token_hash" ON "api_token" ("token_hash") `);
    await queryRunner.query(`DROP INDEX "ix_import_job_status"`);
    await queryRunner.query(`CREATE TABLE "temporary_import_job" ("id" varchar(36) PRIMARY KEY NOT NULL, "status" varchar(16) NOT NULL, "record_count" integer NOT NULL, "match_attribute" varchar(32) NOT NULL, "request_id" varchar(64), "lease_owner" varchar(64), "lease_until" datetime(3), "created_at" datetime(3) NOT NULL, "started_at" datetime(3), "finished_at" datetime(3), "submitted_by_token_id" varchar(36), "unknown_attributes" varchar(16) NOT NULL DEFAULT ('reject'))`);
    await queryRunner.query(`INSERT INTO "temporary_import_job"("id", "status", "record_count", "match_attribute", "request_id", "lease_owner", "lease_until", "created_at", "started_at", "finished_at", "submitted_by_token_id") SELECT "id", "status", "record_count", "match_attribute", "request_id", "lease_owner", "lease_until", "created_at", "started_at", "finished_at", "submitted_by_token_id" FROM "import_job"`);
    await queryRunner.query(`DROP TABLE "import_job"`);
    await queryRunner.query(`ALTER TABLE "temporary_import_job" RENAME TO "import_job"`);
    await queryRunner.query(`CREATE INDEX "ix_import_job_status" ON "import_job" ("status", "lease_until") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_import_job_status"`);
    await queryRunner.query(`ALTER TABLE "import_job" RENAME TO "temporary_import_job"`);
    await queryRunner.query(`CREATE TABLE "import_job" ("id" varchar(36) PRIMARY KEY NOT NULL, "status" varchar(16) NOT NULL, "record_count" integer NOT NULL, "match_attribute" varchar(32) NOT NULL, "request_id" varchar(64), "lease_owner" varchar(64), "lease_until" datetime(3), "created_at" datetime(3) NOT NULL, "started_at" datetime(3), "finished_at" datetime(3), "submitted_by_token_id" varchar(36))`);
    await queryRunner.query(`INSERT INTO "import_job"("id", "status", "record_count", "match_attribute", "request_id", "lease_owner", "lease_until", "created_at", "started_at", "finished_at", "submitted_by_token_id") SELECT "id", "status", "record_count", "match_attribute", "request_id", "lease_owner", "lease_until", "created_at", "started_at", "finished_at", "submitted_by_token_id" FROM "temporary_import_job"`);
    await queryRunner.query(`DROP TABLE "temporary_import_job"`);
    await queryRunner.query(`CREATE INDEX "ix_import_job_status" ON "import_job" ("status", "lease_until") `);
    await queryRunner.query(`DROP INDEX "uq_api_token_hash"`);
    await queryRunner.query(`DROP INDEX "ix_api_token_previous_hash"`);
    await queryRunner.query(`ALTER TABLE "api_token" RENAME TO "temporary_api_token"`);
    await queryRunner.query(`CREATE TABLE "api_token" ("id" varchar(36) PRIMARY KEY NOT NULL, "name" varchar(100) NOT NULL, "token_hash" varchar(64) NOT NULL, "scopes" varchar(100) NOT NULL, "created_at" datetime(3) NOT NULL, "last_used_at" datetime(3), "patch_response" varchar(16) NOT NULL DEFAULT ('resource'), "expires_at" datetime(3), "previous_token_hash" varchar(64), "previous_valid_until" datetime(3), "rate_limit_per_minute" integer)`);
    await queryRunner.query(`INSERT INTO "api_token"("id", "name", "token_hash", "scopes", "created_at", "last_used_at", "patch_response", "expires_at", "previous_token_hash", "previous_valid_until", "rate_limit_per_minute") SELECT "id", "name", "token_hash", "scopes", "created_at", "last_used_at", "patch_response", "expires_at", "previous_token_hash", "previous_valid_until", "rate_limit_per_minute" FROM "temporary_api_token"`);
    await queryRunner.query(`DROP TABLE "temporary_api_token"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_api_token_hash" ON "api_token" ("token_hash") `);
    await queryRunner.query(`CREATE INDEX "ix_api_token_previous_hash" ON "api_token" ("previous_token_hash") `);
  }
}
