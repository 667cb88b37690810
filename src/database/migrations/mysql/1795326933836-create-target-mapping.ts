import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTargetMapping1795326933836 implements MigrationInterface {
  name = 'CreateTargetMapping1795326933836';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`target_mapping\` (\`target_id\` varchar(36) NOT NULL, \`definition\` text NOT NULL, \`version\` int NOT NULL, \`updated_at\` datetime(3) NOT NULL, PRIMARY KEY (\`target_id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE \`target_mapping\``);
  }
}
