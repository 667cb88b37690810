import { ConfigError, loadConfig } from './app-config';

describe(loadConfig.name, () => {
  it('applies the defaults: port 8080, embedded SQLite in ./data', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.database.engine).toBe('sqlite');
    expect(config.database.sqlitePath).toMatch(/data[/\\]gateway\.sqlite$/);
    expect(config.scim).toEqual({ defaultPageSize: 100, maxPageSize: 1000, bodyLimitBytes: 1024 * 1024 });
    expect(config.retention.softDeleteDays).toBe(30);
  });

  it('selects MySQL or MariaDB from the URL scheme', () => {
    expect(loadConfig({ DATABASE_URL: 'mysql://u:p@db:3306/gw' }).database).toMatchObject({
      engine: 'mysql',
      flavor: 'mysql',
    });
    expect(loadConfig({ DATABASE_URL: 'mariadb://u:p@db/gw' }).database).toMatchObject({
      engine: 'mysql',
      flavor: 'mariadb',
    });
  });

  it('lists every problem at once and never prints a secret', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'postgres://admin:hunter2secret@db/gw',
        BODY_LIMIT: 'huge',
        BOOTSTRAP_ADMIN_TOKEN: 'short-secret',
        SCIM_MAX_PAGE_SIZE: '0',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems).toHaveLength(6);
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/LOG_LEVEL/);
    expect(message).toMatch(/DATABASE_URL must start with mysql:\/\/ or mariadb:\/\//);
    expect(message).toMatch(/BODY_LIMIT/);
    expect(message).toMatch(/BOOTSTRAP_ADMIN_TOKEN must be at least 20/);
    expect(message).not.toContain('hunter2secret');
    expect(message).not.toContain('short-secret');
  });

  it('does not echo an unparsable DATABASE_URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'not a url with p4ssw0rd' })).toThrow(
      /DATABASE_URL is not a valid URL/,
    );
    try {
      loadConfig({ DATABASE_URL: 'not a url with p4ssw0rd' });
    } catch (err) {
      expect((err as Error).message).not.toContain('p4ssw0rd');
    }
  });

  it('reads TARGET_ALLOWED_NETWORKS as CIDR blocks, loopback by default, and names a bad entry', () => {
    expect(loadConfig({}).provisioning.allowedNetworks).toEqual(['127.0.0.0/8', '::1/128']);
    expect(
      loadConfig({ TARGET_ALLOWED_NETWORKS: '10.0.0.0/8, fd00::/8' }).provisioning.allowedNetworks,
    ).toEqual(['10.0.0.0/8', 'fd00::/8']);
    expect(() => loadConfig({ TARGET_ALLOWED_NETWORKS: '10.0.0.0/33,intranet' })).toThrow(
      /TARGET_ALLOWED_NETWORKS: "10\.0\.0\.0\/33" is not a CIDR block[\s\S]*"intranet" is not a CIDR block/,
    );
  });

  it('reads DIRECTORY_HISTORY: full by default, paths or off, and names a bad value', () => {
    expect(loadConfig({}).history).toBe('full');
    expect(loadConfig({ DIRECTORY_HISTORY: 'Paths' }).history).toBe('paths');
    expect(loadConfig({ DIRECTORY_HISTORY: 'off' }).history).toBe('off');
    expect(() => loadConfig({ DIRECTORY_HISTORY: 'none' })).toThrow(
      /DIRECTORY_HISTORY must be full, paths or off/,
    );
  });

  it('reads PROVISIONING_LOG_RESPONSES: failures by default, or all, and names a bad value', () => {
    expect(loadConfig({}).provisioning.logResponses).toBe('failures');
    expect(loadConfig({ PROVISIONING_LOG_RESPONSES: 'All' }).provisioning.logResponses).toBe('all');
    expect(() => loadConfig({ PROVISIONING_LOG_RESPONSES: 'none' })).toThrow(
      /PROVISIONING_LOG_RESPONSES must be failures or all/,
    );
  });

  it('parses sizes with units', () => {
    expect(loadConfig({ BODY_LIMIT: '512kb' }).scim.bodyLimitBytes).toBe(512 * 1024);
    expect(loadConfig({ BODY_LIMIT: '2MB' }).scim.bodyLimitBytes).toBe(2 * 1024 * 1024);
  });

  it('takes DEFAULT_DOMAIN lowercased and refuses a value that is not a domain', () => {
    expect(loadConfig({ DEFAULT_DOMAIN: 'Contoso.COM' }).mapping.defaultDomain).toBe('contoso.com');
    expect(loadConfig({}).mapping.defaultDomain).toBeUndefined();
    expect(() => loadConfig({ DEFAULT_DOMAIN: 'not a domain' })).toThrow(/DEFAULT_DOMAIN/);
  });

  it('reads SQLITE_MMAP_MB: no memory map by default, a size in MB, and names a bad value', () => {
    expect(loadConfig({}).database.sqliteMmapMb).toBe(0);
    expect(loadConfig({ SQLITE_MMAP_MB: '256' }).database.sqliteMmapMb).toBe(256);
    expect(() => loadConfig({ SQLITE_MMAP_MB: 'lots' })).toThrow(/SQLITE_MMAP_MB must be an integer/);
    expect(() => loadConfig({ SQLITE_MMAP_MB: '-1' })).toThrow(/SQLITE_MMAP_MB must be an integer/);
  });

  it('reads the journal and import retentions: 7 and 30 days, the journal down to 0, imports at least 1', () => {
    expect(loadConfig({}).retention).toMatchObject({ journalDays: 7, importDays: 30 });
    expect(loadConfig({ JOURNAL_RETENTION_DAYS: '0', IMPORT_RETENTION_DAYS: '90' }).retention).toMatchObject({
      journalDays: 0,
      importDays: 90,
    });
    expect(() => loadConfig({ JOURNAL_RETENTION_DAYS: '-1' })).toThrow(
      /JOURNAL_RETENTION_DAYS must be an integer/,
    );
    expect(() => loadConfig({ IMPORT_RETENTION_DAYS: '0' })).toThrow(
      /IMPORT_RETENTION_DAYS must be an integer from 1/,
    );
  });
});
