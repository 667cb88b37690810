import { getHeapStatistics } from 'node:v8';
import type { AppConfig } from './config/app-config';
import type { FirstStartTokens } from './auth/token-bootstrap.service';

/**
 * What an operator sees once the gateway listens: where the APIs are, and on first start the two tokens, once, in a
 * plain framed block outside the JSON log, with the shell lines that set them for the README's examples.
 */
export function startBanner(config: AppConfig, tokens: FirstStartTokens | undefined): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const base = config.publicUrl ?? `http://${host}:${config.port}`;
  const database =
    config.database.engine === 'sqlite' ? `SQLite ${config.database.sqlitePath}` : config.database.flavor;
  const lines = [
    'SCIM gateway is listening',
    `  SCIM API    ${base}/scim/v2`,
    `  Admin API   ${base}/admin/v1   (OpenAPI: ${base}/admin/docs)`,
    `  Database    ${database}`,
    // V8 lets the heap grow to a multiple of what is live when its limit is large (the default is a quarter of the
    // machine's memory): `npm start` and the image bound it with GATEWAY_HEAP_MB.
    `  Heap limit  ${Math.round(getHeapStatistics().heap_size_limit / 1048576).toLocaleString('en')} MB`,
  ];
  if (tokens) {
    lines.push(
      '',
      'First start: two API tokens were created. They are shown once; store them now.',
      `  admin token (scope admin): ${tokens.admin ?? '(from BOOTSTRAP_ADMIN_TOKEN)'}`,
      `  SCIM token  (scope scim):  ${tokens.scim ?? '(from BOOTSTRAP_SCIM_TOKEN)'}`,
      '',
      'For the README examples, in your shell:',
      `  export BASE=${base}`,
    );
    if (tokens.admin) lines.push(`  export ADMIN_TOKEN=${tokens.admin}`);
    if (tokens.scim) lines.push(`  export SCIM_TOKEN=${tokens.scim}`);
  }
  const width = Math.max(...lines.map((l) => l.length));
  const rule = `+${'-'.repeat(width + 2)}+`;
  return [rule, ...lines.map((l) => `| ${l.padEnd(width)} |`), rule].join('\n') + '\n';
}
