import { Module } from '@nestjs/common';
import { AdminModule } from './admin/admin.module';
import { OpsModule } from './ops/ops.module';
import { ScimModule } from './scim/scim.module';

/** Every HTTP surface: SCIM for HR pushes, the admin API, the operators' probes. Only the composition root imports it. */
@Module({ imports: [ScimModule, AdminModule, OpsModule] })
export class HttpModule {}
