import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddSchemaExtensionsAndTokenOptions1795327676755 implements MigrationInterface {
  name = 'AddSchemaExtensionsAndTokenOptions1795327676755';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "uq_api_token_hash"`);
    await queryRunner.query(`CREATE TABLE "temporary_api_token" ("id" varchar(36) PRIMARY KEY NOT NULL, "name" varchar(100) NOT NULL, "token_hash" varchar(64) NOT NULL, "scopes" varchar(100) NOT NULL, "created_at" datetime(3) NOT NULL, "last_used_at" datetime(3), "patch_response" varchar(16) NOT NULL DEFAULT ('resource'))`);
    await queryRunner.query(`INSERT INTO "temporary_api_token"("id", "name", "token_hash", "scopes", "created_at", "last_used_at") SELECT "id", "name", "token_hash", "scopes", "created_at", "last_used_at" FROM "api_token"`);
    await queryRunner.query(`DROP TABLE "api_token"`);
    await queryRunner.query(`ALTER TABLE "temporary_api_token" RENAME TO "api_token"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_api_token_hash" ON "api_token" ("token_hash") `);
    await queryRunner.query(`CREATE TABLE "schema_extension" ("id" varchar(255) PRIMARY KEY NOT NULL, "resource_type" varchar(16) NOT NULL, "definition" text NOT NULL, "created_at" datetime(3) NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "schema_extension"`);
    await queryRunner.query(`DROP INDEX "uq_api_token_hash"`);
    await queryRunner.query(`ALTER TABLE "api_token" RENAME TO "temporary_api_token"`);
    await queryRunner.query(`CREATE TABLE "api_token" ("id" varchar(36) PRIMARY KEY NOT NULL, "name" varchar(100) NOT NULL, "token_hash" varchar(64) NOT NULL, "scopes" varchar(100) NOT NULL, "created_at" datetime(3) NOT NULL, "last_used_at" datetime(3))`);
    await queryRunner.query(`INSERT INTO "api_token"("id", "name", "token_hash", "scopes", "created_at", "last_used_at") SELECT "id", "name", "token_hash", "scopes", "created_at", "last_used_at" FROM "temporary_api_token"`);
    await queryRunner.query(`DROP TABLE "temporary_api_token"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_api_token_hash" ON "api_token" ("token_hash") `);
  }
}
