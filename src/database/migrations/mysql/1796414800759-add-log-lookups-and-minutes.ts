import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddLogLookupsAndMinutes1796414800759 implements MigrationInterface {
  name = 'AddLogLookupsAndMinutes1796414800759';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`provisioning_minute\` (\`minute\` datetime(3) NOT NULL, \`target_id\` varchar(36) NOT NULL, \`delivered\` int NOT NULL, \`failed\` int NOT NULL, PRIMARY KEY (\`minute\`, \`target_id\`)) ENGINE=InnoDB`);
    // The overview's chart starts from the last day of entries the log holds.
    await queryRunner.query(`INSERT INTO \`provisioning_minute\` (\`minute\`, \`target_id\`, \`delivered\`, \`failed\`) SELECT DATE_FORMAT(\`created_at\`, '%Y-%m-%d %H:%i:00'), \`target_id\`, SUM(\`status\` = 'Success'), SUM(\`status\` = 'Failure') FROM \`provisioning_log\` WHERE \`created_at\` >= UTC_TIMESTAMP(3) - INTERVAL 1 DAY AND \`status\` IN ('Success', 'Failure') GROUP BY 1, 2`);
    await queryRunner.query(`CREATE INDEX \`ix_provisioning_log_request\` ON \`provisioning_log\` (\`request_id\`, \`id\`)`);
    await queryRunner.query(`CREATE INDEX \`ix_provisioning_log_change\` ON \`provisioning_log\` (\`change_seq\`, \`id\`)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_provisioning_log_change\` ON \`provisioning_log\``);
    await queryRunner.query(`DROP INDEX \`ix_provisioning_log_request\` ON \`provisioning_log\``);
    await queryRunner.query(`DROP TABLE \`provisioning_minute\``);
  }
}
