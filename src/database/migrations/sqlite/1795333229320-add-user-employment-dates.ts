import { MigrationInterface, QueryRunner } from 'typeorm';
import { backfillEmploymentDates } from '../backfill-employment-dates';

export class AddUserEmploymentDates1795333229320 implements MigrationInterface {
  name = 'AddUserEmploymentDates1795333229320';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_directory_user_deleted_at"`);
    await queryRunner.query(`DROP INDEX "ix_directory_user_updated_at"`);
    await queryRunner.query(`DROP INDEX "ix_directory_user_created_at"`);
    await queryRunner.query(`DROP INDEX "ix_directory_user_active"`);
    await queryRunner.query(`DROP INDEX "ix_directory_user_primary_email"`);
    await queryRunner.query(`DROP INDEX "ix_directory_user_display_name"`);
    await queryRunner.query(`DROP INDEX "ix_directory_user_external_id"`);
    await queryRunner.query(`DROP INDEX "uq_directory_user_user_name"`);
    await queryRunner.query(`CREATE TABLE "temporary_directory_user" ("id" varchar(36) PRIMARY KEY NOT NULL, "user_name" varchar(255) NOT NULL, "user_name_normalized" varchar(255), "external_id" varchar(255), "display_name_normalized" varchar(255), "primary_email_normalized" varchar(255), "active" boolean NOT NULL, "doc" text NOT NULL, "version" integer NOT NULL, "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL, "deleted_at" datetime(3), "hire_at" datetime(3), "leave_at" datetime(3))`);
    await queryRunner.query(`INSERT INTO "temporary_directory_user"("id", "user_name", "user_name_normalized", "external_id", "display_name_normalized", "primary_email_normalized", "active", "doc", "version", "created_at", "updated_at", "deleted_at") SELECT "id", "user_name", "user_name_normalized", "external_id", "display_name_normalized", "primary_email_normalized", "active", "doc", "version", "created_at", "updated_at", "deleted_at" FROM "directory_user"`);
    await queryRunner.query(`DROP TABLE "directory_user"`);
    await queryRunner.query(`ALTER TABLE "temporary_directory_user" RENAME TO "directory_user"`);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_deleted_at" ON "directory_user" ("deleted_at") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_updated_at" ON "directory_user" ("updated_at") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_created_at" ON "directory_user" ("created_at") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_active" ON "directory_user" ("active") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_primary_email" ON "directory_user" ("primary_email_normalized") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_display_name" ON "directory_user" ("display_name_normalized") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_external_id" ON "directory_user" ("external_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_directory_user_user_name" ON "directory_user" ("user_name_normalized") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_hire_at" ON "directory_user" ("hire_at") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_leave_at" ON "directory_user" ("leave_at") `);
    await backfillEmploymentDates(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_directory_user_leave_at"`);
    await queryRunner.query(`DROP INDEX "ix_directory_user_hire_at"`);
    await queryRunner.query(`DROP INDEX "uq_directory_user_user_name"`);
    await queryRunner.query(`DROP INDEX "ix_directory_user_external_id"`);
    await queryRunner.query(`DROP INDEX "ix_directory_user_display_name"`);
    await queryRunner.query(`DROP INDEX "ix_directory_user_primary_email"`);
    await queryRunner.query(`DROP INDEX "ix_directory_user_active"`);
    await queryRunner.query(`DROP INDEX "ix_directory_user_created_at"`);
    await queryRunner.query(`DROP INDEX "ix_directory_user_updated_at"`);
    await queryRunner.query(`DROP INDEX "ix_directory_user_deleted_at"`);
    await queryRunner.query(`ALTER TABLE "directory_user" RENAME TO "temporary_directory_user"`);
    await queryRunner.query(`CREATE TABLE "directory_user" ("id" varchar(36) PRIMARY KEY NOT NULL, "user_name" varchar(255) NOT NULL, "user_name_normalized" varchar(255), "external_id" varchar(255), "display_name_normalized" varchar(255), "primary_email_normalized" varchar(255), "active" boolean NOT NULL, "doc" text NOT NULL, "version" integer NOT NULL, "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL, "deleted_at" datetime(3))`);
    await queryRunner.query(`INSERT INTO "directory_user"("id", "user_name", "user_name_normalized", "external_id", "display_name_normalized", "primary_email_normalized", "active", "doc", "version", "created_at", "updated_at", "deleted_at") SELECT "id", "user_name", "user_name_normalized", "external_id", "display_name_normalized", "primary_email_normalized", "active", "doc", "version", "created_at", "updated_at", "deleted_at" FROM "temporary_directory_user"`);
    await queryRunner.query(`DROP TABLE "temporary_directory_user"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_directory_user_user_name" ON "directory_user" ("user_name_normalized") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_external_id" ON "directory_user" ("external_id") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_display_name" ON "directory_user" ("display_name_normalized") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_primary_email" ON "directory_user" ("primary_email_normalized") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_active" ON "directory_user" ("active") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_created_at" ON "directory_user" ("created_at") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_updated_at" ON "directory_user" ("updated_at") `);
    await queryRunner.query(`CREATE INDEX "ix_directory_user_deleted_at" ON "directory_user" ("deleted_at") `);
  }
}
