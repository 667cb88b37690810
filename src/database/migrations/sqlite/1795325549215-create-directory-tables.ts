import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateDirectoryTables1795325549215 implements MigrationInterface {
  name = 'CreateDirectoryTables1795325549215';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "api_token" ("id" varchar(36) PRIMARY KEY NOT NULL, "name" varchar(100) NOT NULL, "token_hash" varchar(64) NOT NULL, "scopes" varchar(100) NOT NULL, "created_at" datetime(3) NOT NULL, "last_used_at" datetime(3))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_api_token_hash" ON "api_token" ("token_hash") `);
    await queryRunner.query(`CREATE TABLE "directory_change" ("seq" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "object_type" varchar(8) NOT NULL, "object_id" varchar(36) NOT NULL, "kind" varchar(24) NOT NULL, "object_version" integer NOT NULL, "detail" text, "request_id" varchar(64), "changed_at" datetime(3) NOT NULL)`);
    await queryRunner.query(`CREATE INDEX "ix_directory_change_object" ON "directory_change" ("object_type", "object_id") `);
    await queryRunner.query(`CREATE TABLE "directory_group" ("id" varchar(36) PRIMARY KEY NOT NULL, "display_name" varchar(255) NOT NULL, "display_name_normalized" varchar(255) NOT NULL, "external_id" varchar(255), "doc" text NOT NULL, "version" integer NOT NULL, "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL, "deleted_at" datetime(3))`);
    await queryRunner.query(`CREATE INDEX "ix_directory_group_display_name" ON "directory_group" ("display_name_normalized") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_group_external_id" ON "directory_group" ("external_id") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_group_created_at" ON "directory_group" ("created_at") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_group_updated_at" ON "directory_group" ("updated_at") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_group_deleted_at" ON "directory_group" ("deleted_at") `);
    await queryRunner.query(`CREATE TABLE "directory_user" ("id" varchar(36) PRIMARY KEY NOT NULL, "user_name" varchar(255) NOT NULL, "user_name_normalized" varchar(255), "external_id" varchar(255), "display_name_normalized" varchar(255), "primary_email_normalized" varchar(255), "active" boolean NOT NULL, "doc" text NOT NULL, "version" integer NOT NULL, "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL, "deleted_at" datetime(3))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_directory_user_user_name" ON "directory_user" ("user_name_normalized") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_external_id" ON "directory_user" ("external_id") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_display_name" ON "directory_user" ("display_name_normalized") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_primary_email" ON "directory_user" ("primary_email_normalized") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_active" ON "directory_user" ("active") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_created_at" ON "directory_user" ("created_at") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_updated_at" ON "directory_user" ("updated_at") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_deleted_at" ON "directory_user" ("deleted_at") `);
    await queryRunner.query(`CREATE TABLE "group_membership" ("group_id" varchar(36) NOT NULL, "member_id" varchar(36) NOT NULL, "member_type" varchar(8) NOT NULL, "created_at" datetime(3) NOT NULL, PRIMARY KEY ("group_id", "member_id"))`);
    await queryRunner.query(`CREATE INDEX "ix_group_membership_member" ON "group_membership" ("member_id") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_group_membership_member"`);
    await queryRunner.query(`DROP TABLE "group_membership"`);
    await queryRunner.query(`DROP INDEX "ix_directory_user_deleted_at"`);
    await queryRunner.query(`DROP INDEX "ix_directory_user_updated_at"`);
    await queryRunner.query(`DROP INDEX "ix_directory_user_created_at"`);
    await queryRunner.query(`DROP INDEX "ix_directory_user_active"`);
    await queryRunner.query(`DROP INDEX "ix_directory_user_primary_email"`);
    await queryRunner.query(`DROP INDEX "ix_directory_user_display_name"`);
    await queryRunner.query(`DROP INDEX "ix_directory_user_external_id"`);
    await queryRunner.query(`DROP INDEX "uq_directory_user_user_name"`);
    await queryRunner.query(`DROP TABLE "directory_user"`);
    await queryRunner.query(`DROP INDEX "ix_directory_group_deleted_at"`);
    await queryRunner.query(`DROP INDEX "ix_directory_group_updated_at"`);
    await queryRunner.query(`DROP INDEX "ix_directory_group_created_at"`);
    await queryRunner.query(`DROP INDEX "ix_directory_group_external_id"`);
    await queryRunner.query(`DROP INDEX "ix_directory_group_display_name"`);
    await queryRunner.query(`DROP TABLE "directory_group"`);
    await queryRunner.query(`DROP INDEX "ix_directory_change_object"`);
    await queryRunner.query(`DROP TABLE "directory_change"`);
    await queryRunner.query(`DROP INDEX "uq_api_token_hash"`);
    await queryRunner.query(`DROP TABLE "api_token"`);
  }
}
