import { MigrationInterface, QueryRunner } from 'typeorm';

export class IndexIgnoredChanges1796400240171 implements MigrationInterface {
  name = 'IndexIgnoredChanges1796400240171';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_provisioned_object_hold"`);
    await queryRunner.query(`DROP INDEX "ix_provisioned_object_queue"`);
    await queryRunner.query(`DROP INDEX "ix_provisioned_object_waiting"`);
    await queryRunner.query(`DROP INDEX "ix_provisioned_object_object"`);
    await queryRunner.query(`CREATE TABLE "temporary_provisioned_object" ("target_id" varchar(36) NOT NULL, "object_type" varchar(8) NOT NULL, "object_id" varchar(36) NOT NULL, "target_object_id" varchar(255), "status" varchar(8) NOT NULL, "last_sent" text, "last_sent_hash" varchar(64), "last_result" varchar(8), "last_error" varchar(500), "pending" boolean NOT NULL, "generation" integer NOT NULL, "change_seq" integer, "pending_since" datetime(3), "reconcile" boolean NOT NULL, "request_id" varchar(64), "attempts" integer NOT NULL, "next_attempt_at" datetime(3), "lease_owner" varchar(64), "lease_until" datetime(3), "waiting_for" varchar(36), "updated_at" datetime(3) NOT NULL, "deprovision_hold" varchar(8), "ignored_changes" text, "unsettled_claims" integer NOT NULL DEFAULT (0), "has_ignored_changes" boolean NOT NULL DEFAULT (0), PRIMARY KEY ("target_id", "object_type", "object_id"))`);
    await queryRunner.query(`INSERT INTO "temporary_provisioned_object"("target_id", "object_type", "object_id", "target_object_id", "status", "last_sent", "last_sent_hash", "last_result", "last_error", "pending", "generation", "change_seq", "pending_since", "reconcile", "request_id", "attempts", "next_attempt_at", "lease_owner", "lease_until", "waiting_for", "updated_at", "deprovision_hold", "ignored_changes", "unsettled_claims") SELECT "target_id", "object_type", "object_id", "target_object_id", "status", "last_sent", "last_sent_hash", "last_result", "last_error", "pending", "generation", "change_seq", "pending_since", "reconcile", "request_id", "attempts", "next_attempt_at", "lease_owner", "lease_until", "waiting_for", "updated_at", "deprovision_hold", "ignored_changes", "unsettled_claims" FROM "provisioned_object"`);
    await queryRunner.query(`DROP TABLE "provisioned_object"`);
    await queryRunner.query(`ALTER TABLE "temporary_provisioned_object" RENAME TO "provisioned_object"`);
    await queryRunner.query(`CREATE INDEX "ix_provisioned_object_hold" ON "provisioned_object" ("target_id", "deprovision_hold") `);
    await queryRunner.query(`CREATE INDEX "ix_provisioned_object_queue" ON "provisioned_object" ("target_id", "pending", "next_attempt_at") `);
    await queryRunner.query(`CREATE INDEX "ix_provisioned_object_waiting" ON "provisioned_object" ("target_id", "waiting_for") `);
    await queryRunner.query(`CREATE INDEX "ix_provisioned_object_object" ON "provisioned_object" ("target_id", "object_id") `);
    // Rows that already record ignored changes are flagged, so the status still finds them.
    await queryRunner.query(`UPDATE "provisioned_object" SET "has_ignored_changes" = 1 WHERE "ignored_changes" IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "ix_provisioned_object_ignored" ON "provisioned_object" ("target_id", "has_ignored_changes") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_provisioned_object_ignored"`);
    await queryRunner.query(`DROP INDEX "ix_provisioned_object_object"`);
    await queryRunner.query(`DROP INDEX "ix_provisioned_object_waiting"`);
    await queryRunner.query(`DROP INDEX "ix_provisioned_object_queue"`);
    await queryRunner.query(`DROP INDEX "ix_provisioned_object_hold"`);
    await queryRunner.query(`ALTER TABLE "provisioned_object" RENAME TO "temporary_provisioned_object"`);
    await queryRunner.query(`CREATE TABLE "provisioned_object" ("target_id" varchar(36) NOT NULL, "object_type" varchar(8) NOT NULL, "object_id" varchar(36) NOT NULL, "target_object_id" varchar(255), "status" varchar(8) NOT NULL, "last_sent" text, "last_sent_hash" varchar(64), "last_result" varchar(8), "last_error" varchar(500), "pending" boolean NOT NULL, "generation" integer NOT NULL, "change_seq" integer, "pending_since" datetime(3), "reconcile" boolean NOT NULL, "request_id" varchar(64), "attempts" integer NOT NULL, "next_attempt_at" datetime(3), "lease_owner" varchar(64), "lease_until" datetime(3), "waiting_for" varchar(36), "updated_at" datetime(3) NOT NULL, "deprovision_hold" varchar(8), "ignored_changes" text, "unsettled_claims" integer NOT NULL DEFAULT (0), PRIMARY KEY ("target_id", "object_type", "object_id"))`);
    await queryRunner.query(`INSERT INTO "provisioned_object"("target_id", "object_type", "object_id", "target_object_id", "status", "last_sent", "last_sent_hash", "last_result", "last_error", "pending", "generation", "change_seq", "pending_since", "reconcile", "request_id", "attempts", "next_attempt_at", "lease_owner", "lease_until", "waiting_for", "updated_at", "deprovision_hold", "ignored_changes", "unsettled_claims") SELECT "target_id", "object_type", "object_id", "target_object_id", "status", "last_sent", "last_sent_hash", "last_result", "last_error", "pending", "generation", "change_seq", "pending_since", "reconcile", "request_id", "attempts", "next_attempt_at", "lease_owner", "lease_until", "waiting_for", "updated_at", "deprovision_hold", "ignored_changes", "unsettled_claims" FROM "temporary_provisioned_object"`);
    await queryRunner.query(`DROP TABLE "temporary_provisioned_object"`);
    await queryRunner.query(`CREATE INDEX "ix_provisioned_object_object" ON "provisioned_object" ("target_id", "object_id") `);
    await queryRunner.query(`CREATE INDEX "ix_provisioned_object_waiting" ON "provisioned_object" ("target_id", "waiting_for") `);
    await queryRunner.query(`CREATE INDEX "ix_provisioned_object_queue" ON "provisioned_object" ("target_id", "pending", "next_attempt_at") `);
    await queryRunner.query(`CREATE INDEX "ix_provisioned_object_hold" ON "provisioned_object" ("target_id", "deprovision_hold") `);
  }
}
