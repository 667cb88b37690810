import { CreateDirectoryTables1795325549215 } from './1795325549215-create-directory-tables';
import { CreateTargetMapping1795326933836 } from './1795326933836-create-target-mapping';
import { CreateImportTables1795327254163 } from './1795327254163-create-import-tables';
import { AddSchemaExtensionsAndTokenOptions1795327676755 } from './1795327676755-add-schema-extensions-and-token-options';
import { CreateProvisioningTables1795327648434 } from './1795327648434-create-provisioning-tables';
import { AddUserEmploymentDates1795333229320 } from './1795333229320-add-user-employment-dates';
import { AddAssignments1796379722799 } from './1796379722799-add-assignments';
import { AddProvisioningTotals1796382707154 } from './1796382707154-add-provisioning-totals';
import { AddImportJobSubmitter1796385182588 } from './1796385182588-add-import-job-submitter';
import { AddTokenLifecycle1796385361665 } from './1796385361665-add-token-lifecycle';
import { AddTokenUnknownAttributes1796392804047 } from './1796392804047-add-token-unknown-attributes';
import { AddIgnoredChanges1796393754915 } from './1796393754915-add-ignored-changes';
import { AddUnsettledClaims1796394446863 } from './1796394446863-add-unsettled-claims';
import { IndexIgnoredChanges1796400240171 } from './1796400240171-index-ignored-changes';
import { AddDirectoryHistory1796402140400 } from './1796402140400-add-directory-history';
import { AccountDiscovery1796402146258 } from './1796402146258-account-discovery';
import { AddModifiedProperties1796402218050 } from './1796402218050-add-modified-properties';
import { AddAdminAudit1796402234556 } from './1796402234556-add-admin-audit';
import { AddLogLookupsAndMinutes1796414800759 } from './1796414800759-add-log-lookups-and-minutes';
import { AddTargetBulk1796416228351 } from './1796416228351-add-target-bulk';
import { AddProvisioningLatest1796420000000 } from './1796420000000-add-provisioning-latest';
import { QueueIndexLease1796430000000 } from './1796430000000-queue-index-lease';
import { ListOrderIndex1796440000000 } from './1796440000000-list-order-index';

/** Applied in this order; each file has a twin of the same name in ../mysql (checked in CI). */
export const SQLITE_MIGRATIONS: (new () => unknown)[] = [
  CreateDirectoryTables1795325549215,
  CreateTargetMapping1795326933836,
  CreateImportTables1795327254163,
  CreateProvisioningTables1795327648434,
  AddSchemaExtensionsAndTokenOptions1795327676755,
  AddUserEmploymentDates1795333229320,
  AddAssignments1796379722799,
  AddProvisioningTotals1796382707154,
  AddImportJobSubmitter1796385182588,
  AddTokenLifecycle1796385361665,
  AddTokenUnknownAttributes1796392804047,
  AddIgnoredChanges1796393754915,
  AddUnsettledClaims1796394446863,
  IndexIgnoredChanges1796400240171,
  AddDirectoryHistory1796402140400,
  AccountDiscovery1796402146258,
  AddModifiedProperties1796402218050,
  AddAdminAudit1796402234556,
  AddLogLookupsAndMinutes1796414800759,
  AddTargetBulk1796416228351,
  AddProvisioningLatest1796420000000,
  QueueIndexLease1796430000000,
  ListOrderIndex1796440000000,
];
