import { loadConfig } from './src/config/app-config';
import { ENTITIES } from './src/app.entities';
import { createDataSource } from './src/database/data-source';

/** The TypeORM CLI's view of the database: the very DataSource definition the app uses. */
export default createDataSource(loadConfig().database, ENTITIES);
