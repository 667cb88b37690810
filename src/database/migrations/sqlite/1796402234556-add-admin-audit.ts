import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddAdminAudit1796402234556 implements MigrationInterface {
  name = 'AddAdminAudit1796402234556';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "admin_audit" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime(3) NOT NULL, "actor_token_id" varchar(36) NOT NULL, "actor_token_name" varchar(100) NOT NULL, "request_id" varchar(64), "action" varchar(64) NOT NULL, "object_type" varchar(32) NOT NULL, "object_id" varchar(255) NOT NULL, "target_id" varchar(36), "before" text, "after" text)`);
    await queryRunner.query(`CREATE INDEX "ix_admin_audit_target" ON "admin_audit" ("target_id", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_admin_audit_object" ON "admin_audit" ("object_type", "object_id", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_admin_audit_actor" ON "admin_audit" ("actor_token_id", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_admin_audit_created_at" ON "admin_audit" ("created_at") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_admin_audit_created_at"`);
    await queryRunner.query(`DROP INDEX "ix_admin_audit_actor"`);
    await queryRunner.query(`DROP INDEX "ix_admin_audit_object"`);
    await queryRunner.query(`DROP INDEX "ix_admin_audit_target"`);
    await queryRunner.query(`DROP TABLE "admin_audit"`);
  }
}
