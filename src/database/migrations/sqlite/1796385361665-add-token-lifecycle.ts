import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddTokenLifecycle1796385361665 implements MigrationInterface {
  name = 'AddTokenLifecycle1796385361665';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "uq_api_token_hash"`);
    await queryRunner.query(`CREATE TABLE "temporary_api_token" ("id" varchar(36) PRIMARY KEY NOT NULL, "name" varchar(100) NOT NULL, "token_hash" varchar(64) NOT NULL, "scopes" varchar(100) NOT NULL, "created_at" datetime(3) NOT NULL, "last_used_at" datetime(3), "patch_response" varchar(16) NOT NULL DEFAULT ('resource'), "expires_at" datetime(3), "previous_token_hash" varchar(64), "previous_valid_until" datetime(3), "rate_limit_per_minute" integer)`);
    await queryRunner.query(`INSERT INTO "temporary_api_token"("id", "name", "token_hash", "scopes", "created_at", "last_used_at", "patch_response") SELECT "id", "name", "token_hash", "scopes", "created_at", "last_used_at", "patch_response" FROM "api_token"`);
    await queryRunner.query(`DROP TABLE "api_token"`);
    await queryRunner.query(`ALTER TABLE "temporary_api_token" RENAME TO "api_token"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_api_token_hash" ON "api_token" ("token_hash") `);
    await queryRunner.query(`CREATE INDEX "ix_api_token_previous_hash" ON "api_token" ("previous_token_hash") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_api_token_previous_hash"`);
    await queryRunner.query(`DROP INDEX "uq_api_token_hash"`);
    await queryRunner.query(`ALTER TABLE "api_token" RENAME TO "temporary_api_token"`);
    await queryRunner.query(`CREATE TABLE "api_token" ("id" varchar(36) PRIMARY KEY NOT NULL, "name" varchar(100) NOT NULL, "token_hash" varchar(64) NOT NULL, "scopes" varchar(100) NOT NULL, "created_at" datetime(3) NOT NULL, "last_used_at" datetime(3), "patch_response" varchar(16) NOT NULL DEFAULT ('resource'))`);
    await queryRunner.query(`INSERT INTO "api_token"("id", "name", "token_hash", "scopes", "created_at", "last_used_at", "patch_response") SELECT "id", "name", "token_hash", "scopes", "created_at", "last_used_at", "patch_response" FROM "temporary_api_token"`);
    await queryRunner.query(`DROP TABLE "temporary_api_token"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_api_token_hash" ON "api_token" ("token_hash") `);
  }
}
