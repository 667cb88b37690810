import { AdminAuditEntry } from './audit/admin-audit.entity';
import { AppRoleAssignment } from './provisioning/assignments/app-role-assignment.entity';
import { AppRole } from './provisioning/assignments/app-role.entity';
import { AssignmentChange } from './provisioning/assignments/assignment-change.entity';
import { DeprovisionEvent } from './provisioning/targets/deprovision-event.entity';
import { ProvisioningLatest } from './provisioning/logs/provisioning-latest.entity';
import { ProvisioningTotal } from './provisioning/logs/provisioning-total.entity';
import { ProvisioningMinute } from './provisioning/logs/provisioning-minute.entity';
import { ApiToken } from './auth/api-token.entity';
import { DirectoryChange } from './directory/journal/directory-change.entity';
import { DirectoryGroup } from './directory/groups/directory-group.entity';
import { DirectoryUser } from './directory/users/directory-user.entity';
import { GroupMembership } from './directory/memberships/group-membership.entity';
import { SchemaExtension } from './directory/schema-extensions/schema-extension.entity';
import { ImportJob } from './directory/bulk-upload/import-job.entity';
import { ImportRecord } from './directory/bulk-upload/import-record.entity';
import { PendingManagerReference } from './directory/bulk-upload/pending-manager.entity';
import { TargetMapping } from './mapping/target-mapping.entity';
import { ProvisionedMembership } from './provisioning/queue/provisioned-membership.entity';
import { ProvisionedObject } from './provisioning/queue/provisioned-object.entity';
import { JobLease } from './database/job-lease.entity';
import { ProvisioningLog } from './provisioning/logs/provisioning-log.entity';
import { ProvisioningTarget } from './provisioning/targets/provisioning-target.entity';
import { TargetRuntime } from './provisioning/targets/target-runtime.entity';
import { OrphanAccount } from './provisioning/orphans/orphan-account.entity';

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
  AppRole,
  AppRoleAssignment,
  AssignmentChange,
  DeprovisionEvent,
  ProvisioningTotal,
  ProvisioningLatest,
  ProvisioningMinute,
  OrphanAccount,
  AdminAuditEntry,
];
