import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateProvisioningTables1795327648434 implements MigrationInterface {
  name = 'CreateProvisioningTables1795327648434';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "provisioned_membership" ("target_id" varchar(36) NOT NULL, "group_id" varchar(36) NOT NULL, "member_id" varchar(36) NOT NULL, "created_at" datetime(3) NOT NULL, PRIMARY KEY ("target_id", "group_id", "member_id"))`);
    await queryRunner.query(`CREATE TABLE "provisioned_object" ("target_id" varchar(36) NOT NULL, "object_type" varchar(8) NOT NULL, "object_id" varchar(36) NOT NULL, "target_object_id" varchar(255), "status" varchar(8) NOT NULL, "last_sent" text, "last_sent_hash" varchar(64), "last_result" varchar(8), "last_error" varchar(500), "pending" boolean NOT NULL, "generation" integer NOT NULL, "change_seq" integer, "pending_since" datetime(3), "reconcile" boolean NOT NULL, "request_id" varchar(64), "attempts" integer NOT NULL, "next_attempt_at" datetime(3), "lease_owner" varchar(64), "lease_until" datetime(3), "waiting_for" varchar(36), "updated_at" datetime(3) NOT NULL, PRIMARY KEY ("target_id", "object_type", "object_id"))`);
    await queryRunner.query(`CREATE INDEX "ix_provisioned_object_object" ON "provisioned_object" ("target_id", "object_id") `);
    await queryRunner.query(`CREATE INDEX "ix_provisioned_object_waiting" ON "provisioned_object" ("target_id", "waiting_for") `);
    await queryRunner.query(`CREATE INDEX "ix_provisioned_object_queue" ON "provisioned_object" ("target_id", "pending", "next_attempt_at") `);
    await queryRunner.query(`CREATE TABLE "job_lease" ("name" varchar(64) PRIMARY KEY NOT NULL, "owner" varchar(64), "lease_until" datetime(3), "last_run_at" datetime(3))`);
    await queryRunner.query(`CREATE TABLE "provisioning_log" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "target_id" varchar(36) NOT NULL, "object_type" varchar(8) NOT NULL, "object_id" varchar(36) NOT NULL, "target_object_id" varchar(255), "change_seq" integer, "action" varchar(8) NOT NULL, "status" varchar(8) NOT NULL, "reason" varchar(40), "detail" varchar(1000), "request" text, "response_status" integer, "response_excerpt" varchar(2000), "duration_ms" integer NOT NULL, "attempt" integer NOT NULL, "request_id" varchar(64), "created_at" datetime(3) NOT NULL)`);
    await queryRunner.query(`CREATE INDEX "ix_provisioning_log_created_at" ON "provisioning_log" ("created_at") `);
    await queryRunner.query(`CREATE INDEX "ix_provisioning_log_object" ON "provisioning_log" ("object_id", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_provisioning_log_target" ON "provisioning_log" ("target_id", "id") `);
    await queryRunner.query(`CREATE TABLE "provisioning_target" ("id" varchar(36) PRIMARY KEY NOT NULL, "name" varchar(100) NOT NULL, "base_url" varchar(1000) NOT NULL, "auth_type" varchar(8) NOT NULL, "token_url" varchar(1000), "client_id" varchar(255), "oauth_scope" varchar(255), "secret_envelope" text NOT NULL, "enabled" boolean NOT NULL, "paused" boolean NOT NULL, "profile" varchar(16) NOT NULL, "update_style" varchar(8) NOT NULL, "provision_groups" boolean NOT NULL, "deprovision_action" varchar(8) NOT NULL, "skip_out_of_scope_deletions" boolean NOT NULL, "deletion_threshold" integer, "concurrency" integer NOT NULL, "requests_per_second" integer NOT NULL, "timeout_ms" integer NOT NULL, "reconcile_interval_minutes" integer NOT NULL, "version" integer NOT NULL, "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL)`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_provisioning_target_name" ON "provisioning_target" ("name") `);
    await queryRunner.query(`CREATE TABLE "target_runtime" ("target_id" varchar(36) PRIMARY KEY NOT NULL, "journal_cursor" integer NOT NULL, "quarantine" text, "reconcile_requested" boolean NOT NULL, "last_reconcile_at" datetime(3), "last_reconcile_summary" text, "reconcile_deprovisions" integer NOT NULL, "deletion_hold" varchar(500), "updated_at" datetime(3) NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "target_runtime"`);
    await queryRunner.query(`DROP INDEX "uq_provisioning_target_name"`);
    await queryRunner.query(`DROP TABLE "provisioning_target"`);
    await queryRunner.query(`DROP INDEX "ix_provisioning_log_target"`);
    await queryRunner.query(`DROP INDEX "ix_provisioning_log_object"`);
    await queryRunner.query(`DROP INDEX "ix_provisioning_log_created_at"`);
    await queryRunner.query(`DROP TABLE "provisioning_log"`);
    await queryRunner.query(`DROP TABLE "job_lease"`);
    await queryRunner.query(`DROP INDEX "ix_provisioned_object_queue"`);
    await queryRunner.query(`DROP INDEX "ix_provisioned_object_waiting"`);
    await queryRunner.query(`DROP INDEX "ix_provisioned_object_object"`);
    await queryRunner.query(`DROP TABLE "provisioned_object"`);
    await queryRunner.query(`DROP TABLE "provisioned_membership"`);
  }
}
