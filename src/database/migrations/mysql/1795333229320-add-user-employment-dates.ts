import { MigrationInterface, QueryRunner } from 'typeorm';
import { backfillEmploymentDates } from '../backfill-employment-dates';

export class AddUserEmploymentDates1795333229320 implements MigrationInterface {
  name = 'AddUserEmploymentDates1795333229320';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`directory_user\` ADD \`hire_at\` datetime(3) NULL`);
    await queryRunner.query(`ALTER TABLE \`directory_user\` ADD \`leave_at\` datetime(3) NULL`);
    await queryRunner.query(`CREATE INDEX \`ix_directory_user_hire_at\` ON \`directory_user\` (\`hire_at\`)`);
    await queryRunner.query(`CREATE INDEX \`ix_directory_user_leave_at\` ON \`directory_user\` (\`leave_at\`)`);
    await backfillEmploymentDates(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_directory_user_leave_at\` ON \`directory_user\``);
    await queryRunner.query(`DROP INDEX \`ix_directory_user_hire_at\` ON \`directory_user\``);
    await queryRunner.query(`ALTER TABLE \`directory_user\` DROP COLUMN \`leave_at\``);
    await queryRunner.query(`ALTER TABLE \`directory_user\` DROP COLUMN \`hire_at\``);
  }
}
