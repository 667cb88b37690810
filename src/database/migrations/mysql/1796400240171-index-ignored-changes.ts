import { MigrationInterface, QueryRunner } from 'typeorm';

export class IndexIgnoredChanges1796400240171 implements MigrationInterface {
  name = 'IndexIgnoredChanges1796400240171';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`provisioned_object\` ADD \`has_ignored_changes\` tinyint NOT NULL DEFAULT 0`);
    // Rows that already record ignored changes are flagged, so the status still finds them.
    await queryRunner.query(`UPDATE \`provisioned_object\` SET \`has_ignored_changes\` = 1 WHERE \`ignored_changes\` IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX \`ix_provisioned_object_ignored\` ON \`provisioned_object\` (\`target_id\`, \`has_ignored_changes\`)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_provisioned_object_ignored\` ON \`provisioned_object\``);
    await queryRunner.query(`ALTER TABLE \`provisioned_object\` DROP COLUMN \`has_ignored_changes\``);
  }
}
