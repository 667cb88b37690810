import { CreateDirectoryTables1795325549215 } from './1795325549215-create-directory-tables';

/** Applied in this order; each file has a twin of the same name in ../sqlite (checked in CI). */
export const MYSQL_MIGRATIONS: (new () => unknown)[] = [CreateDirectoryTables1795325549215];
