import { CreateDirectoryTables1795325549215 } from './1795325549215-create-directory-tables';

/** Applied in this order; each file has a twin of the same name in ../mysql (checked in CI). */
export const SQLITE_MIGRATIONS: (new () => unknown)[] = [CreateDirectoryTables1795325549215];
