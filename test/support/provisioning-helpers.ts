import { WorkQueueRepository } from '../../src/provisioning/queue/work-queue.repository';
import type { TestApp } from './test-app';
import type { FakeScimTarget } from './fake-scim-target';

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const USER_SCHEMAS = ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE];

/** Polls `probe` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Registers the fake target. `scope` defaults to `all` here (the whole directory, as the provisioning suites
 * expect); the assignment suites pass `scope: 'assigned'`, the default of the API.
 */
export async function registerTarget(
  t: TestApp,
  target: FakeScimTarget,
  settings: Record<string, unknown> = {},
): Promise<string> {
  const res = await t
    .admin('post', '/targets')
    .send({
      name: `app-${target.port}`,
      baseUrl: target.url,
      auth: { type: 'bearer', token: 'tok-0123456789' },
      scope: 'all',
      ...settings,
    })
    .expect(201);
  return (res.body as { id: string }).id;
}

export async function createUser(
  t: TestApp,
  userName: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const res = await t
    .scim('post', '/Users')
    .send({
      schemas: USER_SCHEMAS,
      userName,
      active: true,
      name: { givenName: userName.split('@')[0], familyName: 'Test' },
      emails: [{ value: userName, type: 'work', primary: true }],
      ...extra,
    })
    .expect(201);
  return (res.body as { id: string }).id;
}

/** A directory group with these members (users or groups), through the inbound SCIM API; its id. */
export async function createGroup(
  t: TestApp,
  displayName: string,
  memberIds: string[] = [],
): Promise<string> {
  const res = await t
    .scim('post', '/Groups')
    .send({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName,
      members: memberIds.map((value) => ({ value })),
    })
    .expect(201);
  return (res.body as { id: string }).id;
}

export const byUserName = (target: FakeScimTarget, userName: string) =>
  target
    .users()
    .find((u) => (typeof u.userName === 'string' ? u.userName : '').toLowerCase() === userName.toLowerCase());

export const writes = (target: FakeScimTarget) =>
  target.requests.filter((r) => r.method !== 'GET' && !r.path.startsWith('/oauth'));

/** Queues these users for the target as the engine's own rows, due now (for tests that set a queue up by hand). */
export function enqueueUsers(t: TestApp, targetId: string, objectIds: string[]): Promise<void> {
  const now = new Date();
  return t.app.get(WorkQueueRepository).enqueueNow(
    targetId,
    objectIds.map((objectId) => ({
      objectType: 'User',
      objectId,
      changeSeq: null,
      requestId: null,
      since: now,
    })),
    now,
  );
}
