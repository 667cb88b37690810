import { MigrationInterface, QueryRunner } from 'typeorm';

export class AccountDiscovery1796402146258 implements MigrationInterface {
  name = 'AccountDiscovery1796402146258';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`orphan_account\` (\`target_id\` varchar(36) NOT NULL, \`target_object_id\` varchar(255) NOT NULL, \`user_name\` varchar(255) NULL, \`external_id\` varchar(255) NULL, \`active\` tinyint NULL, \`directory_user_id\` varchar(36) NULL, \`state\` varchar(12) NOT NULL, \`first_seen_at\` datetime(3) NOT NULL, \`last_seen_at\` datetime(3) NOT NULL, \`acted_at\` datetime(3) NULL, INDEX \`ix_orphan_account_seen\` (\`target_id\`, \`last_seen_at\`), PRIMARY KEY (\`target_id\`, \`target_object_id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`target_runtime\` ADD \`orphan_scan_requested\` tinyint NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE \`target_runtime\` ADD \`last_orphan_scan\` text NULL`);
    await queryRunner.query(`CREATE INDEX \`ix_provisioned_object_target_object\` ON \`provisioned_object\` (\`target_id\`, \`target_object_id\`)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_provisioned_object_target_object\` ON \`provisioned_object\``);
    await queryRunner.query(`ALTER TABLE \`target_runtime\` DROP COLUMN \`last_orphan_scan\``);
    await queryRunner.query(`ALTER TABLE \`target_runtime\` DROP COLUMN \`orphan_scan_requested\``);
    await queryRunner.query(`DROP INDEX \`ix_orphan_account_seen\` ON \`orphan_account\``);
    await queryRunner.query(`DROP TABLE \`orphan_account\``);
  }
}
