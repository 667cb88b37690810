import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddAssignments1796379722799 implements MigrationInterface {
  name = 'AddAssignments1796379722799';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "app_role_assignment" ("id" varchar(36) PRIMARY KEY NOT NULL, "target_id" varchar(36) NOT NULL, "principal_type" varchar(8) NOT NULL, "principal_id" varchar(36) NOT NULL, "role_id" varchar(36) NOT NULL, "created_at" datetime(3) NOT NULL)`);
    await queryRunner.query(`CREATE INDEX "ix_app_role_assignment_type" ON "app_role_assignment" ("target_id", "principal_type", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_app_role_assignment_role" ON "app_role_assignment" ("target_id", "role_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_app_role_assignment" ON "app_role_assignment" ("target_id", "principal_id", "role_id") `);
    await queryRunner.query(`CREATE TABLE "app_role" ("target_id" varchar(36) NOT NULL, "id" varchar(36) NOT NULL, "display_name" varchar(100) NOT NULL, "value" varchar(120) NOT NULL, "description" varchar(500), "is_default" boolean NOT NULL, "created_at" datetime(3) NOT NULL, PRIMARY KEY ("target_id", "id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_app_role_value" ON "app_role" ("target_id", "value") `);
    await queryRunner.query(`CREATE TABLE "assignment_change" ("seq" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "target_id" varchar(36) NOT NULL, "principal_type" varchar(8) NOT NULL, "principal_id" varchar(36) NOT NULL, "member_cursor" varchar(36), "created_at" datetime(3) NOT NULL)`);
    await queryRunner.query(`CREATE INDEX "ix_assignment_change_target" ON "assignment_change" ("target_id", "seq") `);
    await queryRunner.query(`CREATE TABLE "deprovision_event" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "target_id" varchar(36) NOT NULL, "at" datetime(3) NOT NULL)`);
    await queryRunner.query(`CREATE INDEX "ix_deprovision_event_target" ON "deprovision_event" ("target_id", "at") `);
    // Cheap in place: the work queue may hold a million rows (no table rebuild for a nullable column).
    await queryRunner.query(`ALTER TABLE "target_runtime" DROP COLUMN "reconcile_deprovisions"`);
    await queryRunner.query(`ALTER TABLE "provisioned_object" ADD COLUMN "deprovision_hold" varchar(8)`);
    await queryRunner.query(`DROP INDEX "uq_provisioning_target_name"`);
    await queryRunner.query(`CREATE TABLE "temporary_provisioning_target" ("id" varchar(36) PRIMARY KEY NOT NULL, "name" varchar(100) NOT NULL, "base_url" varchar(1000) NOT NULL, "auth_type" varchar(8) NOT NULL, "token_url" varchar(1000), "client_id" varchar(255), "oauth_scope" varchar(255), "secret_envelope" text NOT NULL, "enabled" boolean NOT NULL, "paused" boolean NOT NULL, "profile" varchar(16) NOT NULL, "update_style" varchar(8) NOT NULL, "provision_groups" boolean NOT NULL, "deprovision_action" varchar(8) NOT NULL, "skip_out_of_scope_deletions" boolean NOT NULL, "deletion_threshold" integer, "concurrency" integer NOT NULL, "requests_per_second" integer NOT NULL, "timeout_ms" integer NOT NULL, "reconcile_interval_minutes" integer NOT NULL, "version" integer NOT NULL, "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL, "scope" varchar(8) NOT NULL, "deletion_window_minutes" integer NOT NULL)`);
    // Existing targets keep provisioning everyone (scope all), with a one-hour deletion window.
    await queryRunner.query(`INSERT INTO "temporary_provisioning_target"("id", "name", "base_url", "auth_type", "token_url", "client_id", "oauth_scope", "secret_envelope", "enabled", "paused", "profile", "update_style", "provision_groups", "deprovision_action", "skip_out_of_scope_deletions", "deletion_threshold", "concurrency", "requests_per_second", "timeout_ms", "reconcile_interval_minutes", "version", "created_at", "updated_at", "scope", "deletion_window_minutes") SELECT "id", "name", "base_url", "auth_type", "token_url", "client_id", "oauth_scope", "secret_envelope", "enabled", "paused", "profile", "update_style", "provision_groups", "deprovision_action", "skip_out_of_scope_deletions", "deletion_threshold", "concurrency", "requests_per_second", "timeout_ms", "reconcile_interval_minutes", "version", "created_at", "updated_at", 'all', 60 FROM "provisioning_target"`);
    await queryRunner.query(`DROP TABLE "provisioning_target"`);
    await queryRunner.query(`ALTER TABLE "temporary_provisioning_target" RENAME TO "provisioning_target"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_provisioning_target_name" ON "provisioning_target" ("name") `);
    await queryRunner.query(`CREATE INDEX "ix_provisioned_object_hold" ON "provisioned_object" ("target_id", "deprovision_hold") `);
    // Every target has the default role ("User").
    await queryRunner.query(`INSERT INTO "app_role" ("target_id", "id", "display_name", "value", "description", "is_default", "created_at") SELECT "id", '00000000-0000-0000-0000-000000000000', 'User', 'User', 'Default access', 1, strftime('%Y-%m-%d %H:%M:%f', 'now') FROM "provisioning_target"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_provisioned_object_hold"`);
    await queryRunner.query(`DROP INDEX "uq_provisioning_target_name"`);
    await queryRunner.query(`ALTER TABLE "provisioning_target" RENAME TO "temporary_provisioning_target"`);
    await queryRunner.query(`CREATE TABLE "provisioning_target" ("id" varchar(36) PRIMARY KEY NOT NULL, "name" varchar(100) NOT NULL, "base_url" varchar(1000) NOT NULL, "auth_type" varchar(8) NOT NULL, "token_url" varchar(1000), "client_id" varchar(255), "oauth_scope" varchar(255), "secret_envelope" text NOT NULL, "enabled" boolean NOT NULL, "paused" boolean NOT NULL, "profile" varchar(16) NOT NULL, "update_style" varchar(8) NOT NULL, "provision_groups" boolean NOT NULL, "deprovision_action" varchar(8) NOT NULL, "skip_out_of_scope_deletions" boolean NOT NULL, "deletion_threshold" integer, "concurrency" integer NOT NULL, "requests_per_second" integer NOT NULL, "timeout_ms" integer NOT NULL, "reconcile_interval_minutes" integer NOT NULL, "version" integer NOT NULL, "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL)`);
    await queryRunner.query(`INSERT INTO "provisioning_target"("id", "name", "base_url", "auth_type", "token_url", "client_id", "oauth_scope", "secret_envelope", "enabled", "paused", "profile", "update_style", "provision_groups", "deprovision_action", "skip_out_of_scope_deletions", "deletion_threshold", "concurrency", "requests_per_second", "timeout_ms", "reconcile_interval_minutes", "version", "created_at", "updated_at") SELECT "id", "name", "base_url", "auth_type", "token_url", "client_id", "oauth_scope", "secret_envelope", "enabled", "paused", "profile", "update_style", "provision_groups", "deprovision_action", "skip_out_of_scope_deletions", "deletion_threshold", "concurrency", "requests_per_second", "timeout_ms", "reconcile_interval_minutes", "version", "created_at", "updated_at" FROM "temporary_provisioning_target"`);
    await queryRunner.query(`DROP TABLE "temporary_provisioning_target"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_provisioning_target_name" ON "provisioning_target" ("name") `);
    await queryRunner.query(`DROP INDEX "ix_provisioned_object_object"`);
    await queryRunner.query(`DROP INDEX "ix_provisioned_object_waiting"`);
    await queryRunner.query(`DROP INDEX "ix_provisioned_object_queue"`);
    await queryRunner.query(`ALTER TABLE "provisioned_object" RENAME TO "temporary_provisioned_object"`);
    await queryRunner.query(`CREATE TABLE "provisioned_object" ("target_id" varchar(36) NOT NULL, "object_type" varchar(8) NOT NULL, "object_id" varchar(36) NOT NULL, "target_object_id" varchar(255), "status" varchar(8) NOT NULL, "last_sent" text, "last_sent_hash" varchar(64), "last_result" varchar(8), "last_error" varchar(500), "pending" boolean NOT NULL, "generation" integer NOT NULL, "change_seq" integer, "pending_since" datetime(3), "reconcile" boolean NOT NULL, "request_id" varchar(64), "attempts" integer NOT NULL, "next_attempt_at" datetime(3), "lease_owner" varchar(64), "lease_until" datetime(3), "waiting_for" varchar(36), "updated_at" datetime(3) NOT NULL, PRIMARY KEY ("target_id", "object_type", "object_id"))`);
    await queryRunner.query(`INSERT INTO "provisioned_object"("target_id", "object_type", "object_id", "target_object_id", "status", "last_sent", "last_sent_hash", "last_result", "last_error", "pending", "generation", "change_seq", "pending_since", "reconcile", "request_id", "attempts", "next_attempt_at", "lease_owner", "lease_until", "waiting_for", "updated_at") SELECT "target_id", "object_type", "object_id", "target_object_id", "status", "last_sent", "last_sent_hash", "last_result", "last_error", "pending", "generation", "change_seq", "pending_since", "reconcile", "request_id", "attempts", "next_attempt_at", "lease_owner", "lease_until", "waiting_for", "updated_at" FROM "temporary_provisioned_object"`);
    await queryRunner.query(`DROP TABLE "temporary_provisioned_object"`);
    await queryRunner.query(`CREATE INDEX "ix_provisioned_object_object" ON "provisioned_object" ("target_id", "object_id") `);
    await queryRunner.query(`CREATE INDEX "ix_provisioned_object_waiting" ON "provisioned_object" ("target_id", "waiting_for") `);
    await queryRunner.query(`CREATE INDEX "ix_provisioned_object_queue" ON "provisioned_object" ("target_id", "pending", "next_attempt_at") `);
    await queryRunner.query(`ALTER TABLE "target_runtime" RENAME TO "temporary_target_runtime"`);
    await queryRunner.query(`CREATE TABLE "target_runtime" ("target_id" varchar(36) PRIMARY KEY NOT NULL, "journal_cursor" integer NOT NULL, "quarantine" text, "reconcile_requested" boolean NOT NULL, "last_reconcile_at" datetime(3), "last_reconcile_summary" text, "reconcile_deprovisions" integer NOT NULL, "deletion_hold" varchar(500), "updated_at" datetime(3) NOT NULL)`);
    await queryRunner.query(`INSERT INTO "target_runtime"("target_id", "journal_cursor", "quarantine", "reconcile_requested", "last_reconcile_at", "last_reconcile_summary", "deletion_hold", "updated_at") SELECT "target_id", "journal_cursor", "quarantine", "reconcile_requested", "last_reconcile_at", "last_reconcile_summary", "deletion_hold", "updated_at" FROM "temporary_target_runtime"`);
    await queryRunner.query(`DROP TABLE "temporary_target_runtime"`);
    await queryRunner.query(`DROP INDEX "ix_deprovision_event_target"`);
    await queryRunner.query(`DROP TABLE "deprovision_event"`);
    await queryRunner.query(`DROP INDEX "ix_assignment_change_target"`);
    await queryRunner.query(`DROP TABLE "assignment_change"`);
    await queryRunner.query(`DROP INDEX "uq_app_role_value"`);
    await queryRunner.query(`DROP TABLE "app_role"`);
    await queryRunner.query(`DROP INDEX "uq_app_role_assignment"`);
    await queryRunner.query(`DROP INDEX "ix_app_role_assignment_role"`);
    await queryRunner.query(`DROP INDEX "ix_app_role_assignment_type"`);
    await queryRunner.query(`DROP TABLE "app_role_assignment"`);
  }
}
