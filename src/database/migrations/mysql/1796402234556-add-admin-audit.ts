import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddAdminAudit1796402234556 implements MigrationInterface {
  name = 'AddAdminAudit1796402234556';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`admin_audit\` (\`id\` int NOT NULL AUTO_INCREMENT, \`created_at\` datetime(3) NOT NULL, \`actor_token_id\` varchar(36) NOT NULL, \`actor_token_name\` varchar(100) NOT NULL, \`request_id\` varchar(64) NULL, \`action\` varchar(64) NOT NULL, \`object_type\` varchar(32) NOT NULL, \`object_id\` varchar(255) NOT NULL, \`target_id\` varchar(36) NULL, \`before\` text NULL, \`after\` text NULL, INDEX \`ix_admin_audit_target\` (\`target_id\`, \`id\`), INDEX \`ix_admin_audit_object\` (\`object_type\`, \`object_id\`, \`id\`), INDEX \`ix_admin_audit_actor\` (\`actor_token_id\`, \`id\`), INDEX \`ix_admin_audit_created_at\` (\`created_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_admin_audit_created_at\` ON \`admin_audit\``);
    await queryRunner.query(`DROP INDEX \`ix_admin_audit_actor\` ON \`admin_audit\``);
    await queryRunner.query(`DROP INDEX \`ix_admin_audit_object\` ON \`admin_audit\``);
    await queryRunner.query(`DROP INDEX \`ix_admin_audit_target\` ON \`admin_audit\``);
    await queryRunner.query(`DROP TABLE \`admin_audit\``);
  }
}
