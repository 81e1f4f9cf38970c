import { ConfigError, loadMigrateConfig } from './config.js';
import { runMigrations } from './database/data-source.js';

// Run by dev.sh before the API starts: applies pending migrations and exits.
try {
  const config = loadMigrateConfig();
  const applied = await runMigrations(config.databaseUrl);
  console.log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database schema is up to date');
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
