import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateImportTables1795327254163 implements MigrationInterface {
  name = 'CreateImportTables1795327254163';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`import_job\` (\`id\` varchar(36) NOT NULL, \`status\` varchar(16) NOT NULL, \`record_count\` int NOT NULL, \`match_attribute\` varchar(32) NOT NULL, \`request_id\` varchar(64) NULL, \`lease_owner\` varchar(64) NULL, \`lease_until\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL, \`started_at\` datetime(3) NULL, \`finished_at\` datetime(3) NULL, INDEX \`ix_import_job_status\` (\`status\`, \`lease_until\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await queryRunner.query(`CREATE TABLE \`import_record\` (\`job_id\` varchar(36) NOT NULL, \`seq\` int NOT NULL, \`bulk_id\` varchar(255) NULL, \`match_value\` varchar(255) NULL, \`payload\` text NULL, \`status\` varchar(16) NOT NULL, \`reason\` varchar(1000) NULL, \`user_id\` varchar(36) NULL, \`processed_at\` datetime(3) NULL, PRIMARY KEY (\`job_id\`, \`seq\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await queryRunner.query(`CREATE TABLE \`pending_manager_reference\` (\`user_id\` varchar(36) NOT NULL, \`manager_key\` varchar(255) NOT NULL, \`created_at\` datetime(3) NOT NULL, INDEX \`ix_pending_manager_key\` (\`manager_key\`), PRIMARY KEY (\`user_id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_pending_manager_key\` ON \`pending_manager_reference\``);
    await queryRunner.query(`DROP TABLE \`pending_manager_reference\``);
    await queryRunner.query(`DROP TABLE \`import_record\``);
    await queryRunner.query(`DROP INDEX \`ix_import_job_status\` ON \`import_job\``);
    await queryRunner.query(`DROP TABLE \`import_job\``);
  }
}
