import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateProvisioningTables1795327648434 implements MigrationInterface {
  name = 'CreateProvisioningTables1795327648434';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`provisioned_membership\` (\`target_id\` varchar(36) NOT NULL, \`group_id\` varchar(36) NOT NULL, \`member_id\` varchar(36) NOT NULL, \`created_at\` datetime(3) NOT NULL, PRIMARY KEY (\`target_id\`, \`group_id\`, \`member_id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await queryRunner.query(`CREATE TABLE \`provisioned_object\` (\`target_id\` varchar(36) NOT NULL, \`object_type\` varchar(8) NOT NULL, \`object_id\` varchar(36) NOT NULL, \`target_object_id\` varchar(255) NULL, \`status\` varchar(8) NOT NULL, \`last_sent\` text NULL, \`last_sent_hash\` varchar(64) NULL, \`last_result\` varchar(8) NULL, \`last_error\` varchar(500) NULL, \`pending\` tinyint NOT NULL, \`generation\` int NOT NULL, \`change_seq\` int NULL, \`pending_since\` datetime(3) NULL, \`reconcile\` tinyint NOT NULL, \`request_id\` varchar(64) NULL, \`attempts\` int NOT NULL, \`next_attempt_at\` datetime(3) NULL, \`lease_owner\` varchar(64) NULL, \`lease_until\` datetime(3) NULL, \`waiting_for\` varchar(36) NULL, \`updated_at\` datetime(3) NOT NULL, INDEX \`ix_provisioned_object_object\` (\`target_id\`, \`object_id\`), INDEX \`ix_provisioned_object_waiting\` (\`target_id\`, \`waiting_for\`), INDEX \`ix_provisioned_object_queue\` (\`target_id\`, \`pending\`, \`next_attempt_at\`), PRIMARY KEY (\`target_id\`, \`object_type\`, \`object_id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await queryRunner.query(`CREATE TABLE \`job_lease\` (\`name\` varchar(64) NOT NULL, \`owner\` varchar(64) NULL, \`lease_until\` datetime(3) NULL, \`last_run_at\` datetime(3) NULL, PRIMARY KEY (\`name\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await queryRunner.query(`CREATE TABLE \`provisioning_log\` (\`id\` int NOT NULL AUTO_INCREMENT, \`target_id\` varchar(36) NOT NULL, \`object_type\` varchar(8) NOT NULL, \`object_id\` varchar(36) NOT NULL, \`target_object_id\` varchar(255) NULL, \`change_seq\` int NULL, \`action\` varchar(8) NOT NULL, \`status\` varchar(8) NOT NULL, \`reason\` varchar(40) NULL, \`detail\` varchar(1000) NULL, \`request\` text NULL, \`response_status\` int NULL, \`response_excerpt\` varchar(2000) NULL, \`duration_ms\` int NOT NULL, \`attempt\` int NOT NULL, \`request_id\` varchar(64) NULL, \`created_at\` datetime(3) NOT NULL, INDEX \`ix_provisioning_log_created_at\` (\`created_at\`), INDEX \`ix_provisioning_log_object\` (\`object_id\`, \`id\`), INDEX \`ix_provisioning_log_target\` (\`target_id\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await queryRunner.query(`CREATE TABLE \`provisioning_target\` (\`id\` varchar(36) NOT NULL, \`name\` varchar(100) NOT NULL, \`base_url\` varchar(1000) NOT NULL, \`auth_type\` varchar(8) NOT NULL, \`token_url\` varchar(1000) NULL, \`client_id\` varchar(255) NULL, \`oauth_scope\` varchar(255) NULL, \`secret_envelope\` text NOT NULL, \`enabled\` tinyint NOT NULL, \`paused\` tinyint NOT NULL, \`profile\` varchar(16) NOT NULL, \`update_style\` varchar(8) NOT NULL, \`provision_groups\` tinyint NOT NULL, \`deprovision_action\` varchar(8) NOT NULL, \`skip_out_of_scope_deletions\` tinyint NOT NULL, \`deletion_threshold\` int NULL, \`concurrency\` int NOT NULL, \`requests_per_second\` int NOT NULL, \`timeout_ms\` int NOT NULL, \`reconcile_interval_minutes\` int NOT NULL, \`version\` int NOT NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, UNIQUE INDEX \`uq_provisioning_target_name\` (\`name\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await queryRunner.query(`CREATE TABLE \`target_runtime\` (\`target_id\` varchar(36) NOT NULL, \`journal_cursor\` int NOT NULL, \`quarantine\` text NULL, \`reconcile_requested\` tinyint NOT NULL, \`last_reconcile_at\` datetime(3) NULL, \`last_reconcile_summary\` text NULL, \`reconcile_deprovisions\` int NOT NULL, \`deletion_hold\` varchar(500) NULL, \`updated_at\` datetime(3) NOT NULL, PRIMARY KEY (\`target_id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE \`target_runtime\``);
    await queryRunner.query(`DROP INDEX \`uq_provisioning_target_name\` ON \`provisioning_target\``);
    await queryRunner.query(`DROP TABLE \`provisioning_target\``);
    await queryRunner.query(`DROP INDEX \`ix_provisioning_log_target\` ON \`provisioning_log\``);
    await queryRunner.query(`DROP INDEX \`ix_provisioning_log_object\` ON \`provisioning_log\``);
    await queryRunner.query(`DROP INDEX \`ix_provisioning_log_created_at\` ON \`provisioning_log\``);
    await queryRunner.query(`DROP TABLE \`provisioning_log\``);
    await queryRunner.query(`DROP TABLE \`job_lease\``);
    await queryRunner.query(`DROP INDEX \`ix_provisioned_object_queue\` ON \`provisioned_object\``);
    await queryRunner.query(`DROP INDEX \`ix_provisioned_object_waiting\` ON \`provisioned_object\``);
    await queryRunner.query(`DROP INDEX \`ix_provisioned_object_object\` ON \`provisioned_object\``);
    await queryRunner.query(`DROP TABLE \`provisioned_object\``);
    await queryRunner.query(`DROP TABLE \`provisioned_membership\``);
  }
}
