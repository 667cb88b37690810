import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTargetMapping1795326933836 implements MigrationInterface {
  name = 'CreateTargetMapping1795326933836';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "target_mapping" ("target_id" varchar(36) PRIMARY KEY NOT NULL, "definition" text NOT NULL, "version" integer NOT NULL, "updated_at" datetime(3) NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "target_mapping"`);
  }
}
