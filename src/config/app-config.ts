import * as path from 'node:path';
import { isIP } from 'node:net';

export type DatabaseEngine = 'sqlite' | 'mysql';

export interface DatabaseConfig {
  engine: DatabaseEngine;
  /** TypeORM reads MariaDB's catalog differently from MySQL's (column defaults): the URL scheme says which. */
  flavor: 'sqlite' | 'mysql' | 'mariadb';
  /** mysql:// or mariadb:// URL; undefined for the embedded engine. Holds a password: never log it. */
  url?: string;
  /** Embedded SQLite file. */
  sqlitePath: string;
  /**
   * SQLITE_MMAP_MB: how much of the SQLite file is read through a memory map (0, the default: none). Reads skip a
   * system call and a copy each; the mapped pages count in the process's RSS.
   */
  sqliteMmapMb: number;
  migrationsRun: boolean;
}

export interface AppConfig {
  port: number;
  host: string;
  /** External base URL (e.g. https://scim.example.com) for meta.location; derived from each request when unset. */
  publicUrl?: string;
  logLevel: LogLevel;
  dataDir: string;
  database: DatabaseConfig;
  scim: { defaultPageSize: number; maxPageSize: number; bodyLimitBytes: number };
  retention: {
    softDeleteDays: number;
    /** Journal rows every target has consumed are pruned once older than this (0: as soon as consumed). */
    journalDays: number;
    /** Finished /bulkUpload jobs are purged with their records once finished longer ago than this. */
    importDays: number;
  };
  /** The admin audit log: entries older than this are purged (AUDIT_RETENTION_DAYS). */
  audit: { retentionDays: number };
  /**
   * What each directory journal row records for the history (DIRECTORY_HISTORY): `full`, the actor, the request id
   * and the changed attributes with their values; `paths`, the same without any value; `off`, the request id alone
   * (as the journal had it before the history).
   */
  history: DirectoryHistoryMode;
  /** Entra-style /bulkUpload: the attribute records are matched on (upsert key). */
  imports: { matchAttribute: 'externalId' | 'userName' };
  /** Expression evaluation: the tenant's domain that Entra's `DefaultDomain()` returns. */
  mapping: { defaultDomain?: string };
  bootstrap: { adminToken?: string; scimToken?: string };
  jobsEnabled: boolean;
  provisioning: ProvisioningConfig;
}

export type DirectoryHistoryMode = 'full' | 'paths' | 'off';

export interface ProvisioningConfig {
  /** AES-256-GCM key for target secrets; when unset, `<dataDir>/secret.key` (0600) is created and used. Never log it. */
  secretKey?: string;
  /** Allow plain `http://` target URLs to non-loopback hosts (testing only). */
  allowInsecureTargets: boolean;
  /** CIDR blocks where targets at private or loopback addresses may be (link-local and metadata never may). */
  allowedNetworks: string[];
  /** Run the delivery engine (journal fan-out and workers) in this process. */
  engineEnabled: boolean;
  /** How often the engine looks at the change journal and the work queue. */
  pollIntervalMs: number;
  /**
   * The most objects this process holds claimed at once, all targets together (its memory bound); targets that want
   * more share it evenly.
   */
  maxInFlight: number;
  /** Default full-reconciliation interval of a new target. */
  reconcileIntervalMinutes: number;
  logRetentionDays: number;
  /**
   * Which provisioning-log entries keep the target's response body (PROVISIONING_LOG_RESPONSES): `failures`, every
   * entry but a success (a success keeps its status; the body was the resource echoed back, the log's largest
   * column), or `all`.
   */
  logResponses: 'failures' | 'all';
  /** Account discovery lists at most this many of a target's users; beyond, the listing is reported incomplete. */
  orphanScanMaxAccounts: number;
  /** Joiners are matched against a listing of the target when it holds at most this many accounts (0: never). */
  matchIndexMaxAccounts: number;
  /** A full reconciliation compares users with one listing of the target once it holds this many objects. */
  reconcileListingMinObjects: number;
  /** Full reconciliations (initial syncs among them) this process runs at once; the others wait their turn. */
  reconcileMaxConcurrent: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

type Env = Record<string, string | undefined>;

/** Thrown with every problem found, so an operator fixes the environment in one go. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2 };

/**
 * The only reader of process.env (STYLE.md §5). Problems name the variable, never echo a secret's value.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name]?.trim().toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    problems.push(`${name} must be true or false (got "${env[name]}")`);
    return fallback;
  };
  const size = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const m = /^(\d+)\s*(b|kb|mb)?$/i.exec(raw.trim());
    if (!m) {
      problems.push(`${name} must be a size such as 1mb, 512kb or 1048576 (got "${raw}")`);
      return fallback;
    }
    return Number(m[1]) * SIZE_UNITS[(m[2] ?? '').toLowerCase()];
  };
  const secret = (name: string): string | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    if (raw.length < 20) problems.push(`${name} must be at least 20 characters long`);
    return raw;
  };

  const port = int('PORT', 8080, 0, 65535);
  const host = env.HOST?.trim() || '0.0.0.0';
  let publicUrl = env.PUBLIC_URL?.trim() || undefined;
  if (publicUrl) {
    try {
      const u = new URL(publicUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
      publicUrl = publicUrl.replace(/\/+$/, '');
    } catch {
      problems.push(
        `PUBLIC_URL must be an http(s) URL such as https://scim.example.com (got "${env.PUBLIC_URL}")`,
      );
    }
  }
  const logLevelRaw = (env.LOG_LEVEL ?? 'log').trim().toLowerCase();
  const logLevel = (logLevelRaw === 'info' ? 'log' : logLevelRaw) as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${env.LOG_LEVEL}")`);
  }

  const dataDir = path.resolve(env.DATA_DIR?.trim() || './data');
  const url = env.DATABASE_URL?.trim() || undefined;
  let engine: DatabaseEngine = 'sqlite';
  let flavor: DatabaseConfig['flavor'] = 'sqlite';
  if (url) {
    let protocol = '';
    try {
      protocol = new URL(url).protocol;
    } catch {
      // The URL may carry a password: name the variable, not the value.
      problems.push('DATABASE_URL is not a valid URL (expected mysql://user:password@host:3306/database)');
    }
    if (protocol === 'mysql:' || protocol === 'mariadb:') {
      engine = 'mysql';
      flavor = protocol === 'mariadb:' ? 'mariadb' : 'mysql';
    } else if (protocol)
      problems.push(`DATABASE_URL must start with mysql:// or mariadb:// (got ${protocol}//…)`);
  }

  const defaultPageSize = int('SCIM_DEFAULT_PAGE_SIZE', 100, 1, 10000);
  const maxPageSize = int('SCIM_MAX_PAGE_SIZE', 1000, 1, 10000);
  if (defaultPageSize > maxPageSize) {
    problems.push('SCIM_DEFAULT_PAGE_SIZE must not exceed SCIM_MAX_PAGE_SIZE');
  }

  const matchAttribute = (env.IMPORT_MATCH_ATTRIBUTE?.trim() ||
    'externalId') as AppConfig['imports']['matchAttribute'];
  if (!['externalId', 'userName'].includes(matchAttribute)) {
    problems.push(
      `IMPORT_MATCH_ATTRIBUTE must be externalId or userName (got "${env.IMPORT_MATCH_ATTRIBUTE}")`,
    );
  }

  const history = (env.DIRECTORY_HISTORY?.trim().toLowerCase() || 'full') as DirectoryHistoryMode;
  if (!['full', 'paths', 'off'].includes(history))
    problems.push(`DIRECTORY_HISTORY must be full, paths or off (got "${env.DIRECTORY_HISTORY}")`);

  const logResponses = (env.PROVISIONING_LOG_RESPONSES?.trim().toLowerCase() ||
    'failures') as ProvisioningConfig['logResponses'];
  if (!['failures', 'all'].includes(logResponses))
    problems.push(
      `PROVISIONING_LOG_RESPONSES must be failures or all (got "${env.PROVISIONING_LOG_RESPONSES}")`,
    );

  const defaultDomain = env.DEFAULT_DOMAIN?.trim().toLowerCase() || undefined;
  if (
    defaultDomain &&
    !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(defaultDomain)
  ) {
    problems.push(`DEFAULT_DOMAIN must be a domain name such as contoso.com (got "${env.DEFAULT_DOMAIN}")`);
  }

  // Loopback by default, for the demo and the tests; link-local and metadata addresses are never allowed.
  const allowedNetworks = (env.TARGET_ALLOWED_NETWORKS ?? '127.0.0.0/8,::1/128')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const cidr of allowedNetworks)
    if (!isCidr(cidr))
      problems.push(`TARGET_ALLOWED_NETWORKS: "${cidr}" is not a CIDR block (like 10.0.0.0/8)`);

  const config: AppConfig = {
    port,
    host,
    publicUrl,
    logLevel,
    dataDir,
    database: {
      engine,
      flavor,
      url,
      sqlitePath: path.join(dataDir, 'gateway.sqlite'),
      sqliteMmapMb: int('SQLITE_MMAP_MB', 0, 0, 65_536),
      migrationsRun: bool('DB_MIGRATIONS_RUN', true),
    },
    scim: { defaultPageSize, maxPageSize, bodyLimitBytes: size('BODY_LIMIT', 1024 * 1024) },
    retention: {
      softDeleteDays: int('SOFT_DELETE_RETENTION_DAYS', 30, 0, 3650),
      journalDays: int('JOURNAL_RETENTION_DAYS', 7, 0, 3650),
      importDays: int('IMPORT_RETENTION_DAYS', 30, 1, 3650),
    },
    audit: { retentionDays: int('AUDIT_RETENTION_DAYS', 365, 1, 36_500) },
    history,
    imports: { matchAttribute },
    mapping: { defaultDomain },
    bootstrap: { adminToken: secret('BOOTSTRAP_ADMIN_TOKEN'), scimToken: secret('BOOTSTRAP_SCIM_TOKEN') },
    jobsEnabled: bool('JOBS_ENABLED', true),
    provisioning: {
      secretKey: env.SECRET_KEY?.trim() || undefined,
      allowInsecureTargets: bool('ALLOW_INSECURE_TARGETS', false),
      allowedNetworks,
      engineEnabled: bool('PROVISIONING_ENABLED', true),
      pollIntervalMs: int('PROVISIONING_POLL_MS', 150, 10, 60_000),
      maxInFlight: int('PROVISIONING_MAX_IN_FLIGHT', 4000, 100, 100_000),
      reconcileIntervalMinutes: int('RECONCILE_INTERVAL_MINUTES', 40, 1, 10_080),
      logRetentionDays: int('PROVISIONING_LOG_RETENTION_DAYS', 30, 1, 3650),
      logResponses,
      orphanScanMaxAccounts: int('ORPHAN_SCAN_MAX_ACCOUNTS', 1_000_000, 0, 100_000_000),
      matchIndexMaxAccounts: int('MATCH_INDEX_MAX_ACCOUNTS', 250_000, 0, 10_000_000),
      reconcileListingMinObjects: int('RECONCILE_LISTING_MIN_OBJECTS', 200, 0, 1_000_000_000),
      reconcileMaxConcurrent: int('RECONCILE_MAX_CONCURRENT', 2, 1, 1000),
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function isCidr(text: string): boolean {
  const [address, bits] = text.split('/');
  const version = isIP(address ?? '');
  if (version === 0) return false;
  if (bits === undefined) return true;
  const prefix = Number(bits);
  return /^\d+$/.test(bits) && prefix <= (version === 4 ? 32 : 128);
}
