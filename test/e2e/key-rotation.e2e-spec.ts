import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { SecretBox } from '../../src/provisioning/secrets/secret-box';
import { FakeScimTarget, startFakeScimTarget } from '../support/fake-scim-target';
import { buildGateway } from '../support/gateway-child';
import { byUserName, createUser, registerTarget, waitFor } from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const root = path.resolve(__dirname, '../..');
const BEARER = 'tok-0123456789';

/** SECRET_KEY rotation: a new key in front, the stored secrets re-encrypted, the old key removed; no target notices. */
describe('secret key rotation', () => {
  let t: TestApp;
  let target: FakeScimTarget;
  const oldKey = SecretBox.generateKey();
  const newKey = SecretBox.generateKey();

  beforeAll(async () => {
    buildGateway();
    target = await startFakeScimTarget({ bearerToken: BEARER });
    t = await startTestApp({ env: { SECRET_KEY: oldKey, PROVISIONING_POLL_MS: '50' } });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  const envelope = async (id: string) =>
    (
      await t.dataSource.query<{ secret_envelope: string }[]>(
        'SELECT secret_envelope FROM provisioning_target WHERE id = ?',
        [id],
      )
    )[0].secret_envelope;

  const delivered = async (userName: string) => {
    await createUser(t, userName);
    await waitFor(userName, () => byUserName(target, userName));
  };

  it('keeps every target working through a new key, re-encryption, and the old key removed', async () => {
    const id = await registerTarget(t, target);
    await delivered('before@rotation.test');
    expect(await envelope(id)).toMatch(/^v1:/);

    t = await t.restart({ SECRET_KEY: `new:${newKey},old:${oldKey}` });
    await delivered('during@rotation.test');

    const env =
      t.engine === 'sqlite' ? { DATA_DIR: path.dirname(dbPathOf(t)) } : { DATABASE_URL: dbUrlOf(t) };
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(root, 'dist/src/secrets.cli.js')],
      {
        env: { PATH: process.env.PATH, SECRET_KEY: `new:${newKey},old:${oldKey}`, ...env },
      },
    );
    expect(stdout).toMatch(/^1 target secret\(s\) re-encrypted with key new; 0 already used it/);
    expect(await envelope(id)).toMatch(/^v2:new:/);

    t = await t.restart({ SECRET_KEY: `new:${newKey}` });
    await delivered('after@rotation.test');
    // Every request the target saw carried the one bearer token (requireBearer refuses anything else with 401).
    expect(target.requests.filter((r) => r.status === 401)).toHaveLength(0);
  });
});

function dbPathOf(t: TestApp): string {
  return (t.dataSource.options as { database: string }).database;
}

function dbUrlOf(t: TestApp): string {
  const o = t.dataSource.options as {
    host: string;
    port: number;
    username: string;
    password: string;
    database: string;
  };
  return `mariadb://${encodeURIComponent(o.username)}:${encodeURIComponent(o.password)}@${o.host}:${o.port}/${o.database}`;
}
