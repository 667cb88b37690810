import { loadConfig } from './src/config/app-config';
import { createDataSource } from './src/database/data-source';

/** The TypeORM CLI's view of the database: the very DataSource definition the app uses. */
export default createDataSource(loadConfig().database);
