import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddAssignments1796379722799 implements MigrationInterface {
  name = 'AddAssignments1796379722799';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`app_role_assignment\` (\`id\` varchar(36) NOT NULL, \`target_id\` varchar(36) NOT NULL, \`principal_type\` varchar(8) NOT NULL, \`principal_id\` varchar(36) NOT NULL, \`role_id\` varchar(36) NOT NULL, \`created_at\` datetime(3) NOT NULL, INDEX \`ix_app_role_assignment_type\` (\`target_id\`, \`principal_type\`, \`id\`), INDEX \`ix_app_role_assignment_role\` (\`target_id\`, \`role_id\`), UNIQUE INDEX \`uq_app_role_assignment\` (\`target_id\`, \`principal_id\`, \`role_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`app_role\` (\`target_id\` varchar(36) NOT NULL, \`id\` varchar(36) NOT NULL, \`display_name\` varchar(100) NOT NULL, \`value\` varchar(120) NOT NULL, \`description\` varchar(500) NULL, \`is_default\` tinyint NOT NULL, \`created_at\` datetime(3) NOT NULL, UNIQUE INDEX \`uq_app_role_value\` (\`target_id\`, \`value\`), PRIMARY KEY (\`target_id\`, \`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`assignment_change\` (\`seq\` int NOT NULL AUTO_INCREMENT, \`target_id\` varchar(36) NOT NULL, \`principal_type\` varchar(8) NOT NULL, \`principal_id\` varchar(36) NOT NULL, \`member_cursor\` varchar(36) NULL, \`created_at\` datetime(3) NOT NULL, INDEX \`ix_assignment_change_target\` (\`target_id\`, \`seq\`), PRIMARY KEY (\`seq\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`deprovision_event\` (\`id\` int NOT NULL AUTO_INCREMENT, \`target_id\` varchar(36) NOT NULL, \`at\` datetime(3) NOT NULL, INDEX \`ix_deprovision_event_target\` (\`target_id\`, \`at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`target_runtime\` DROP COLUMN \`reconcile_deprovisions\``);
    await queryRunner.query(`ALTER TABLE \`provisioned_object\` ADD \`deprovision_hold\` varchar(8) NULL`);
    await queryRunner.query(`ALTER TABLE \`provisioning_target\` ADD \`scope\` varchar(8) NOT NULL`);
    await queryRunner.query(`ALTER TABLE \`provisioning_target\` ADD \`deletion_window_minutes\` int NOT NULL`);
    // Existing targets keep provisioning everyone (scope all), with a one-hour deletion window.
    await queryRunner.query(`UPDATE \`provisioning_target\` SET \`scope\` = 'all', \`deletion_window_minutes\` = 60`);
    await queryRunner.query(`CREATE INDEX \`ix_provisioned_object_hold\` ON \`provisioned_object\` (\`target_id\`, \`deprovision_hold\`)`);
    // Every target has the default role ("User").
    await queryRunner.query(`INSERT INTO \`app_role\` (\`target_id\`, \`id\`, \`display_name\`, \`value\`, \`description\`, \`is_default\`, \`created_at\`) SELECT \`id\`, '00000000-0000-0000-0000-000000000000', 'User', 'User', 'Default access', 1, NOW(3) FROM \`provisioning_target\``);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_provisioned_object_hold\` ON \`provisioned_object\``);
    await queryRunner.query(`ALTER TABLE \`provisioning_target\` DROP COLUMN \`deletion_window_minutes\``);
    await queryRunner.query(`ALTER TABLE \`provisioning_target\` DROP COLUMN \`scope\``);
    await queryRunner.query(`ALTER TABLE \`provisioned_object\` DROP COLUMN \`deprovision_hold\``);
    await queryRunner.query(`ALTER TABLE \`target_runtime\` ADD \`reconcile_deprovisions\` int NOT NULL`);
    await queryRunner.query(`DROP INDEX \`ix_deprovision_event_target\` ON \`deprovision_event\``);
    await queryRunner.query(`DROP TABLE \`deprovision_event\``);
    await queryRunner.query(`DROP INDEX \`ix_assignment_change_target\` ON \`assignment_change\``);
    await queryRunner.query(`DROP TABLE \`assignment_change\``);
    await queryRunner.query(`DROP INDEX \`uq_app_role_value\` ON \`app_role\``);
    await queryRunner.query(`DROP TABLE \`app_role\``);
    await queryRunner.query(`DROP INDEX \`uq_app_role_assignment\` ON \`app_role_assignment\``);
    await queryRunner.query(`DROP INDEX \`ix_app_role_assignment_role\` ON \`app_role_assignment\``);
    await queryRunner.query(`DROP INDEX \`ix_app_role_assignment_type\` ON \`app_role_assignment\``);
    await queryRunner.query(`DROP TABLE \`app_role_assignment\``);
  }
}
