import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddTokenLifecycle1796385361665 implements MigrationInterface {
  name = 'AddTokenLifecycle1796385361665';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`api_token\` ADD \`expires_at\` datetime(3) NULL`);
    await queryRunner.query(`ALTER TABLE \`api_token\` ADD \`previous_token_hash\` varchar(64) NULL`);
    await queryRunner.query(`ALTER TABLE \`api_token\` ADD \`previous_valid_until\` datetime(3) NULL`);
    await queryRunner.query(`ALTER TABLE \`api_token\` ADD \`rate_limit_per_minute\` int NULL`);
    await queryRunner.query(`CREATE INDEX \`ix_api_token_previous_hash\` ON \`api_token\` (\`previous_token_hash\`)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_api_token_previous_hash\` ON \`api_token\``);
    await queryRunner.query(`ALTER TABLE \`api_token\` DROP COLUMN \`rate_limit_per_minute\``);
    await queryRunner.query(`ALTER TABLE \`api_token\` DROP COLUMN \`previous_valid_until\``);
    await queryRunner.query(`ALTER TABLE \`api_token\` DROP COLUMN \`previous_token_hash\``);
    await queryRunner.query(`ALTER TABLE \`api_token\` DROP COLUMN \`expires_at\``);
  }
}
