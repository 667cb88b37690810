import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddSchemaExtensionsAndTokenOptions1795327676755 implements MigrationInterface {
  name = 'AddSchemaExtensionsAndTokenOptions1795327676755';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`api_token\` ADD \`patch_response\` varchar(16) NOT NULL DEFAULT 'resource'`);
    await queryRunner.query(`CREATE TABLE \`schema_extension\` (\`id\` varchar(255) NOT NULL, \`resource_type\` varchar(16) NOT NULL, \`definition\` text NOT NULL, \`created_at\` datetime(3) NOT NULL, PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE \`schema_extension\``);
    await queryRunner.query(`ALTER TABLE \`api_token\` DROP COLUMN \`patch_response\``);
  }
}
