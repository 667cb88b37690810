import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateDirectoryTables1795325549215 implements MigrationInterface {
  name = 'CreateDirectoryTables1795325549215';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`api_token\` (\`id\` varchar(36) NOT NULL, \`name\` varchar(100) NOT NULL, \`token_hash\` varchar(64) NOT NULL, \`scopes\` varchar(100) NOT NULL, \`created_at\` datetime(3) NOT NULL, \`last_used_at\` datetime(3) NULL, UNIQUE INDEX \`uq_api_token_hash\` (\`token_hash\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await queryRunner.query(`CREATE TABLE \`directory_change\` (\`seq\` int NOT NULL AUTO_INCREMENT, \`object_type\` varchar(8) NOT NULL, \`object_id\` varchar(36) NOT NULL, \`kind\` varchar(24) NOT NULL, \`object_version\` int NOT NULL, \`detail\` text NULL, \`request_id\` varchar(64) NULL, \`changed_at\` datetime(3) NOT NULL, INDEX \`ix_directory_change_object\` (\`object_type\`, \`object_id\`), PRIMARY KEY (\`seq\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await queryRunner.query(`CREATE TABLE \`directory_group\` (\`id\` varchar(36) NOT NULL, \`display_name\` varchar(255) NOT NULL, \`display_name_normalized\` varchar(255) NOT NULL, \`external_id\` varchar(255) NULL, \`doc\` text NOT NULL, \`version\` int NOT NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, \`deleted_at\` datetime(3) NULL, INDEX \`ix_directory_group_display_name\` (\`display_name_normalized\`), INDEX \`ix_directory_group_external_id\` (\`external_id\`), INDEX \`ix_directory_group_created_at\` (\`created_at\`), INDEX \`ix_directory_group_updated_at\` (\`updated_at\`), INDEX \`ix_directory_group_deleted_at\` (\`deleted_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await queryRunner.query(`CREATE TABLE \`directory_user\` (\`id\` varchar(36) NOT NULL, \`user_name\` varchar(255) NOT NULL, \`user_name_normalized\` varchar(255) NULL, \`external_id\` varchar(255) NULL, \`display_name_normalized\` varchar(255) NULL, \`primary_email_normalized\` varchar(255) NULL, \`active\` tinyint NOT NULL, \`doc\` text NOT NULL, \`version\` int NOT NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, \`deleted_at\` datetime(3) NULL, UNIQUE INDEX \`uq_directory_user_user_name\` (\`user_name_normalized\`), INDEX \`ix_directory_user_external_id\` (\`external_id\`), INDEX \`ix_directory_user_display_name\` (\`display_name_normalized\`), INDEX \`ix_directory_user_primary_email\` (\`primary_email_normalized\`), INDEX \`ix_directory_user_active\` (\`active\`), INDEX \`ix_directory_user_created_at\` (\`created_at\`), INDEX \`ix_directory_user_updated_at\` (\`updated_at\`), INDEX \`ix_directory_user_deleted_at\` (\`deleted_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await queryRunner.query(`CREATE TABLE \`group_membership\` (\`group_id\` varchar(36) NOT NULL, \`member_id\` varchar(36) NOT NULL, \`member_type\` varchar(8) NOT NULL, \`created_at\` datetime(3) NOT NULL, INDEX \`ix_group_membership_member\` (\`member_id\`), PRIMARY KEY (\`group_id\`, \`member_id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_group_membership_member\` ON \`group_membership\``);
    await queryRunner.query(`DROP TABLE \`group_membership\``);
    await queryRunner.query(`DROP INDEX \`ix_directory_user_deleted_at\` ON \`directory_user\``);
    await queryRunner.query(`DROP INDEX \`ix_directory_user_updated_at\` ON \`directory_user\``);
    await queryRunner.query(`DROP INDEX \`ix_directory_user_created_at\` ON \`directory_user\``);
    await queryRunner.query(`DROP INDEX \`ix_directory_user_active\` ON \`directory_user\``);
    await queryRunner.query(`DROP INDEX \`ix_directory_user_primary_email\` ON \`directory_user\``);
    await queryRunner.query(`DROP INDEX \`ix_directory_user_display_name\` ON \`directory_user\``);
    await queryRunner.query(`DROP INDEX \`ix_directory_user_external_id\` ON \`directory_user\``);
    await queryRunner.query(`DROP INDEX \`uq_directory_user_user_name\` ON \`directory_user\``);
    await queryRunner.query(`DROP TABLE \`directory_user\``);
    await queryRunner.query(`DROP INDEX \`ix_directory_group_deleted_at\` ON \`directory_group\``);
    await queryRunner.query(`DROP INDEX \`ix_directory_group_updated_at\` ON \`directory_group\``);
    await queryRunner.query(`DROP INDEX \`ix_directory_group_created_at\` ON \`directory_group\``);
    await queryRunner.query(`DROP INDEX \`ix_directory_group_external_id\` ON \`directory_group\``);
    await queryRunner.query(`DROP INDEX \`ix_directory_group_display_name\` ON \`directory_group\``);
    await queryRunner.query(`DROP TABLE \`directory_group\``);
    await queryRunner.query(`DROP INDEX \`ix_directory_change_object\` ON \`directory_change\``);
    await queryRunner.query(`DROP TABLE \`directory_change\``);
    await queryRunner.query(`DROP INDEX \`uq_api_token_hash\` ON \`api_token\``);
    await queryRunner.query(`DROP TABLE \`api_token\``);
  }
}
