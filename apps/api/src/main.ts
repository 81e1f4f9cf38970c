import { ConfigError, loadConfig, type ApiConfig } from './config.js';
import { createApp } from './app.js';
import { AuthService } from './services/auth.service.js';

let config: ApiConfig;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`bpfleet-api: ${error.message}`);
    process.exit(78); // EX_CONFIG
  }
  throw error;
}

try {
  const app = await createApp(config);
  // Nest closes the HTTP server, the results worker, timers and connections on SIGINT/SIGTERM.
  app.enableShutdownHooks(['SIGINT', 'SIGTERM']);
  await app.listen({ port: config.port, host: config.host });

  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  const admin = app.get(AuthService).getAdminToken();
  const tokenLine =
    admin.source === 'env'
      ? 'admin token: from BPFLEET_ADMIN_TOKEN'
      : `admin token: ${admin.token}  (kept in ${admin.file}${admin.source === 'generated' ? ', generated now' : ''})`;
  const tokenRef = admin.source === 'env' ? '$BPFLEET_ADMIN_TOKEN' : admin.token;
  console.log(
    [
      `bpfleet API listening on ${url}`,
      `docs: ${url}/docs   OpenAPI: ${url}/openapi.json`,
      tokenLine,
      `try:  curl -H "Authorization: Bearer ${tokenRef}" ${url}/v1/hosts`,
    ].join('\n'),
  );
} catch (error) {
  console.error('bpfleet-api: failed to start:', error);
  process.exit(1);
}
