import { ApiToken } from '../auth/api-token.entity';
import { DirectoryChange } from '../directory/directory-change.entity';
import { DirectoryGroup } from '../directory/directory-group.entity';
import { DirectoryUser } from '../directory/directory-user.entity';
import { GroupMembership } from '../directory/group-membership.entity';
import { SchemaExtension } from '../directory/schema-extension.entity';
import { ImportJob } from '../imports/import-job.entity';
import { ImportRecord } from '../imports/import-record.entity';
import { PendingManagerReference } from '../imports/pending-manager.entity';
import { TargetMapping } from '../mapping/target-mapping.entity';
import { ProvisionedMembership } from '../provisioning/engine/provisioned-membership.entity';
import { ProvisionedObject } from '../provisioning/engine/provisioned-object.entity';
import { JobLease } from './job-lease.entity';
import { ProvisioningLog } from '../provisioning/logs/provisioning-log.entity';
import { ProvisioningTarget } from '../provisioning/targets/provisioning-target.entity';
import { TargetRuntime } from '../provisioning/targets/target-runtime.entity';

/** Every entity of the product, in one list shared by the app, the CLI and the drift check. */
export const ENTITIES = [
  ApiToken,
  DirectoryUser,
  DirectoryGroup,
  GroupMembership,
  DirectoryChange,
  SchemaExtension,
  ImportJob,
  ImportRecord,
  PendingManagerReference,
  TargetMapping,
  ProvisioningTarget,
  TargetRuntime,
  ProvisionedObject,
  ProvisionedMembership,
  ProvisioningLog,
  JobLease,
];
