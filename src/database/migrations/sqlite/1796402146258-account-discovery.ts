import { MigrationInterface, QueryRunner } from 'typeorm';

export class AccountDiscovery1796402146258 implements MigrationInterface {
  name = 'AccountDiscovery1796402146258';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "orphan_account" ("target_id" varchar(36) NOT NULL, "target_object_id" varchar(255) NOT NULL, "user_name" varchar(255), "external_id" varchar(255), "active" boolean, "directory_user_id" varchar(36), "state" varchar(12) NOT NULL, "first_seen_at" datetime(3) NOT NULL, "last_seen_at" datetime(3) NOT NULL, "acted_at" datetime(3), PRIMARY KEY ("target_id", "target_object_id"))`);
    await queryRunner.query(`CREATE INDEX "ix_orphan_account_seen" ON "orphan_account" ("target_id", "last_seen_at") `);
    await queryRunner.query(`CREATE TABLE "temporary_target_runtime" ("target_id" varchar(36) PRIMARY KEY NOT NULL, "journal_cursor" integer NOT NULL, "quarantine" text, "reconcile_requested" boolean NOT NULL, "last_reconcile_at" datetime(3), "last_reconcile_summary" text, "deletion_hold" varchar(500), "updated_at" datetime(3) NOT NULL, "orphan_scan_requested" boolean NOT NULL DEFAULT (0), "last_orphan_scan" text)`);
    await queryRunner.query(`INSERT INTO "temporary_target_runtime"("target_id", "journal_cursor", "quarantine", "reconcile_requested", "last_reconcile_at", "last_reconcile_summary", "deletion_hold", "updated_at") SELECT "target_id", "journal_cursor", "quarantine", "reconcile_requested", "last_reconcile_at", "last_reconcile_summary", "deletion_hold", "updated_at" FROM "target_runtime"`);
    await queryRunner.query(`DROP TABLE "target_runtime"`);
    await queryRunner.query(`ALTER TABLE "temporary_target_runtime" RENAME TO "target_runtime"`);
    await queryRunner.query(`CREATE INDEX "ix_provisioned_object_target_object" ON "provisioned_object" ("target_id", "target_object_id") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_provisioned_object_target_object"`);
    await queryRunner.query(`ALTER TABLE "target_runtime" RENAME TO "temporary_target_runtime"`);
    await queryRunner.query(`CREATE TABLE "target_runtime" ("target_id" varchar(36) PRIMARY KEY NOT NULL, "journal_cursor" integer NOT NULL, "quarantine" text, "reconcile_requested" boolean NOT NULL, "last_reconcile_at" datetime(3), "last_reconcile_summary" text, "deletion_hold" varchar(500), "updated_at" datetime(3) NOT NULL)`);
    await queryRunner.query(`INSERT INTO "target_runtime"("target_id", "journal_cursor", "quarantine", "reconcile_requested", "last_reconcile_at", "last_reconcile_summary", "deletion_hold", "updated_at") SELECT "target_id", "journal_cursor", "quarantine", "reconcile_requested", "last_reconcile_at", "last_reconcile_summary", "deletion_hold", "updated_at" FROM "temporary_target_runtime"`);
    await queryRunner.query(`DROP TABLE "temporary_target_runtime"`);
    await queryRunner.query(`DROP INDEX "ix_orphan_account_seen"`);
    await queryRunner.query(`DROP TABLE "orphan_account"`);
  }
}
