import type { ScimResult } from '../client/scim-client.types';
import {
  KnownState,
  PlanAnswer,
  PlanEffect,
  PlannedRequest,
  planAttempt,
  PlanInput,
  PlanResult,
  readResponse,
  UNSENT,
} from './attempt-plan';
import { MatchIndex } from './match-index';
import { flattenResource, hashAttributes } from './scim-diff';

const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const ok = (body: unknown, status = 200): ScimResult<unknown> => ({
  ok: true,
  method: 'GET',
  url: 'http://target/scim',
  status,
  headers: {},
  text: '',
  durationMs: 1,
  body,
});
const failed = (status: number): ScimResult<unknown> => ({
  ok: false,
  method: 'GET',
  url: 'http://target/scim',
  status,
  headers: {},
  text: '',
  durationMs: 1,
  error: { kind: 'http', stage: 'request', message: `${status}` },
});
const list = (...resources: Record<string, unknown>[]) =>
  ok({ schemas: [LIST], totalResults: resources.length, Resources: resources });

const NOTHING: KnownState = {
  targetObjectId: null,
  status: 'none',
  lastSent: null,
  lastSentHash: null,
  ignored: null,
  nowInTarget: false,
};
const inTarget = (id: string, lastSent: Record<string, unknown> | null): KnownState => ({
  targetObjectId: id,
  status: 'active',
  lastSent: lastSent && JSON.stringify(lastSent),
  lastSentHash: lastSent && hashAttributes(lastSent),
  ignored: null,
  nowInTarget: false,
});

function input(overrides: Partial<PlanInput>): PlanInput {
  return {
    objectType: 'User',
    decision: { kind: 'create' },
    desired: { userName: 'ann@example.com', title: 'Lead', active: true },
    matching: [{ targetAttribute: 'userName', value: 'ann@example.com' }],
    known: NOTHING,
    reconcile: false,
    target: { profile: 'rfc', updateStyle: 'PATCH', verifyUpdates: false },
    now: '2026-12-04T10:00:00.000Z',
    ...overrides,
  };
}

/** Runs the plan, answering each request with `answer`; returns every effect and the result. */
function run(plan: PlanInput, answer: (request: PlannedRequest, index: number) => ScimResult<unknown>) {
  const gen = planAttempt(plan);
  const effects: PlanEffect[] = [];
  const sent: PlannedRequest[] = [];
  for (let next = gen.next(); ;) {
    if (next.done) return { effects, sent, result: next.value };
    effects.push(next.value);
    if (next.value.kind === 'send') {
      sent.push(next.value.request);
      next = gen.next(readResponse(next.value.request, answer(next.value.request, sent.length - 1)));
    } else next = gen.next();
  }
}

/** Answers in order, one per request; a request beyond the script fails the test. */
const script =
  (...answers: ScimResult<unknown>[]) =>
  (request: PlannedRequest, i: number) => {
    if (i >= answers.length) throw new Error(`unexpected request ${request.method} ${request.path}`);
    return answers[i];
  };

const done = (result: PlanResult) => {
  if (result.kind !== 'done') throw new Error(`expected done, got ${JSON.stringify(result)}`);
  return result;
};
const notes = (effects: PlanEffect[]) => effects.filter((e) => e.kind === 'note');
const steps = (effects: PlanEffect[]) => effects.flatMap((e) => (e.kind === 'step' ? [e.step] : []));

describe('planAttempt: joiner', () => {
  it('looks the user up by its matching attribute, then POSTs it without members when nothing matches', () => {
    const { sent, result } = run(
      input({ desired: { userName: 'ann@example.com', title: 'Lead', members: [] } }),
      script(list(), ok({ id: 't-1', userName: 'ann@example.com' }, 201)),
    );
    expect(sent).toEqual([
      {
        method: 'GET',
        path: '/Users',
        query: { filter: 'userName eq "ann@example.com"' },
        expect: 'list',
      },
      {
        method: 'POST',
        path: '/Users',
        body: { userName: 'ann@example.com', title: 'Lead' },
        logAs: 'Create',
        tolerate: [409],
        expect: 'resource',
        // No modified properties: a create's are read back from its logged request (loggedPropertiesOfCreate).
      },
    ]);
    const flat = { userName: 'ann@example.com', title: 'Lead' };
    expect(done(result).known).toEqual({
      targetObjectId: 't-1',
      status: 'active',
      lastSent: JSON.stringify(flat),
      lastSentHash: hashAttributes(flat),
      ignored: null,
      nowInTarget: true,
    });
  });

  it('tries the matching attributes in precedence order and stops at the first match', () => {
    const { sent } = run(
      input({
        matching: [
          { targetAttribute: 'externalId', value: 'e-1' },
          { targetAttribute: 'userName', value: 'ann@example.com' },
        ],
      }),
      script(list(), list({ id: 't-9', userName: 'ann@example.com', title: 'Lead', active: true })),
    );
    expect(sent.map((r) => r.query?.filter)).toEqual([
      'externalId eq "e-1"',
      'userName eq "ann@example.com"',
    ]);
  });

  it('adopts a match and PATCHes only what differs, leaving the attributes the target has of its own', () => {
    const { sent, result } = run(
      input({}),
      script(
        list({ id: 't-7', userName: 'ann@example.com', title: 'Dev', nickName: 'annie', active: true }),
        ok(undefined, 204),
      ),
    );
    expect(sent[1]).toEqual({
      method: 'PATCH',
      path: '/Users/t-7',
      body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Lead' }] },
      logAs: 'Update',
      tolerate: [404],
      // Adopted: the old values are the target's.
      modifiedProperties: [{ name: 'title', oldValue: 'Dev', newValue: 'Lead' }],
    });
    expect(done(result).known).toMatchObject({ targetObjectId: 't-7', status: 'active', nowInTarget: true });
  });

  it('says no_change when the adopted resource already has every value', () => {
    const { sent, effects, result } = run(
      input({}),
      script(list({ id: 't-7', userName: 'ann@example.com', title: 'Lead', active: true })),
    );
    expect(sent).toHaveLength(1);
    expect(notes(effects)).toEqual([
      { kind: 'note', reason: 'no_change', detail: 'matched t-7; already in sync' },
    ]);
    expect(done(result).known.targetObjectId).toBe('t-7');
  });

  it('answers a 409 on POST by looking up again and adopting what it finds', () => {
    const { sent, result } = run(
      input({}),
      script(
        list(),
        failed(409),
        list({ id: 't-3', userName: 'ann@example.com', title: 'Lead', active: true }),
      ),
    );
    expect(sent.map((r) => r.method)).toEqual(['GET', 'POST', 'GET']);
    expect(done(result).known).toMatchObject({ targetObjectId: 't-3', nowInTarget: true });
  });

  it('rejects a 409 that no lookup explains (conflict)', () => {
    const { result } = run(input({}), script(list(), failed(409), list()));
    expect(result).toEqual({
      kind: 'rejected',
      known: NOTHING,
      reason: 'conflict',
      detail: 'The target answered 409 but no match was found by the matching attributes',
    });
  });

  it('rejects two matches instead of guessing (multiple_matches), and sends nothing more', () => {
    const { sent, result } = run(input({}), script(list({ id: 'a' }, { id: 'b' })));
    expect(sent).toHaveLength(1);
    expect(result).toMatchObject({ kind: 'rejected', reason: 'multiple_matches' });
  });

  it('warns when no matching attribute has a value, then creates', () => {
    const { sent, effects } = run(input({ matching: [] }), script(ok({ id: 'n' }, 201)));
    expect(sent.map((r) => r.method)).toEqual(['POST']);
    expect(steps(effects)).toEqual([
      { step: 'matching', status: 'warning', description: 'no matching attribute has a value' },
    ]);
  });

  it('looks groups up without their members and encodes ids in paths', () => {
    const { sent } = run(
      input({
        objectType: 'Group',
        desired: { displayName: 'Ops team', externalId: 'g-1' },
        matching: [{ targetAttribute: 'displayName', value: 'Ops team' }],
      }),
      script(list({ id: 'grp/1 a', displayName: 'Ops team' }), ok(undefined, 204)),
    );
    expect(sent[0]).toEqual({
      method: 'GET',
      path: '/Groups',
      query: { filter: 'displayName eq "Ops team"', excludedAttributes: 'members' },
      expect: 'list',
    });
    expect(sent[1].path).toBe('/Groups/grp%2F1%20a');
  });
});

describe('planAttempt: mover', () => {
  const lastSent = { userName: 'ann@example.com', title: 'Dev', nickName: 'annie', active: true };
  const update = (overrides: Partial<PlanInput> = {}) =>
    input({ decision: { kind: 'update' }, known: inTarget('t-1', lastSent), ...overrides });

  it('PATCHes only the paths that changed since the last send, removing what is no longer mapped (rfc)', () => {
    const { sent, result } = run(update(), script(ok(undefined, 204)));
    expect(sent).toEqual([
      {
        method: 'PATCH',
        path: '/Users/t-1',
        body: {
          schemas: [PATCH_OP],
          Operations: [
            { op: 'replace', path: 'title', value: 'Lead' },
            { op: 'remove', path: 'nickName' },
          ],
        },
        logAs: 'Update',
        tolerate: [404],
        modifiedProperties: [
          { name: 'title', oldValue: 'Dev', newValue: 'Lead' },
          { name: 'nickName', oldValue: 'annie', newValue: null },
        ],
      },
    ]);
    const flat = flattenResource({ userName: 'ann@example.com', title: 'Lead', active: true });
    expect(done(result).known.lastSent).toBe(JSON.stringify(flat));
  });

  it('keeps the hash of what it sent last: the same when the text is the same, a new one when it changed', () => {
    const desired = { userName: 'ann@example.com', title: 'Lead', active: true };
    const cases = [
      // Reconciling, the target already holds the new values: nothing is sent, but the state moves to them.
      { known: inTarget('t-1', lastSent), answers: [ok({ id: 't-1', ...desired })] },
      // A change written.
      { known: inTarget('t-1', lastSent), answers: [ok({ id: 't-1', ...lastSent }), ok(undefined, 204)] },
      // Nothing changed since the last send.
      { known: inTarget('t-1', desired), answers: [ok({ id: 't-1', ...desired })] },
    ];
    for (const { known, answers } of cases) {
      const { result } = run(update({ reconcile: true, known }), script(...answers));
      const flat = flattenResource(desired);
      expect(done(result).known).toMatchObject({
        lastSent: JSON.stringify(flat),
        lastSentHash: hashAttributes(flat),
      });
    }
  });

  it("speaks Entra's shapes with the entra profile", () => {
    const { sent } = run(
      update({ target: { profile: 'entra', updateStyle: 'PATCH', verifyUpdates: false } }),
      script(ok(undefined, 204)),
    );
    expect((sent[0].body as { Operations: unknown[] }).Operations).toEqual([
      { op: 'Replace', value: { title: 'Lead' } },
      { op: 'Remove', path: 'nickName' },
    ]);
  });

  it('PUTs the whole user when the target updates by PUT', () => {
    const { sent } = run(
      update({ target: { profile: 'rfc', updateStyle: 'PUT', verifyUpdates: false } }),
      script(ok({ id: 't-1', userName: 'ann@example.com' })),
    );
    expect(sent).toEqual([
      {
        method: 'PUT',
        path: '/Users/t-1',
        body: { userName: 'ann@example.com', title: 'Lead', active: true },
        logAs: 'Update',
        tolerate: [404],
        expect: 'resource',
        // The whole user goes on the wire; what it changes is what the log lists.
        modifiedProperties: [
          { name: 'title', oldValue: 'Dev', newValue: 'Lead' },
          { name: 'nickName', oldValue: 'annie', newValue: null },
        ],
      },
    ]);
  });

  it('reads the actual resource when reconciling, and leaves what the gateway never sent', () => {
    const { sent } = run(
      update({ reconcile: true }),
      script(
        ok({ id: 't-1', userName: 'ann@example.com', title: 'Drifted', phone: 'x', active: true }),
        ok(undefined, 204),
      ),
    );
    expect(sent[0]).toEqual({ method: 'GET', path: '/Users/t-1', tolerate: [404], expect: 'resource' });
    expect((sent[1].body as { Operations: unknown[] }).Operations).toEqual([
      { op: 'replace', path: 'title', value: 'Lead' },
    ]);
  });

  it('reads the actual resource when nothing was sent before, groups without members', () => {
    const { sent } = run(
      update({ objectType: 'Group', desired: { displayName: 'Ops' }, known: inTarget('g 1', null) }),
      script(ok({ id: 'g 1', displayName: 'Ops' })),
    );
    expect(sent).toEqual([
      {
        method: 'GET',
        path: '/Groups/g%201',
        query: { excludedAttributes: 'members' },
        tolerate: [404],
        expect: 'resource',
      },
    ]);
  });

  it('loses the object on a 404 to the read or to the PATCH, forgetting its id', () => {
    for (const answers of [[failed(404)], [ok({ id: 't-1', userName: 'x' }), failed(404)]]) {
      const { result, effects } = run(update({ reconcile: true }), script(...answers));
      expect(result).toEqual({
        kind: 'lost',
        known: { ...inTarget('t-1', lastSent), targetObjectId: null, status: 'none', lastSent: null },
      });
      expect(steps(effects)).toContainEqual({
        step: 'matching',
        status: 'warning',
        description: 'the target no longer has t-1',
      });
    }
  });

  it('says no_change and sends nothing when the target already has the values', () => {
    const { sent, effects, result } = run(update({ desired: lastSent }), script());
    expect(sent).toEqual([]);
    expect(notes(effects)).toEqual([
      { kind: 'note', reason: 'no_change', detail: 'the target already has these values' },
    ]);
    expect(done(result).known.nowInTarget).toBe(true);
  });

  it('names the request that sets active false a Disable and records the user disabled', () => {
    const { sent, result } = run(
      update({
        decision: { kind: 'disable', reason: 'unassigned', why: 'left' },
        desired: { ...lastSent, active: false },
      }),
      script(ok(undefined, 204)),
    );
    expect(sent[0]).toMatchObject({
      method: 'PATCH',
      logAs: 'Disable',
      reason: 'unassigned',
      detail: 'left',
      body: { Operations: [{ op: 'replace', path: 'active', value: false }] },
      modifiedProperties: [{ name: 'active', oldValue: true, newValue: false }],
    });
    expect(done(result).known.status).toBe('disabled');
  });

  it('lists a multi-valued attribute by its flattened path, old and new as last sent and as sent now', () => {
    const work = 'emails[type eq "work"].value';
    const before = { userName: 'ann@example.com', [work]: 'ann@old.example.com', 'name.givenName': 'Ann' };
    const { sent } = run(
      update({
        known: inTarget('t-1', before),
        desired: {
          userName: 'ann@example.com',
          name: { givenName: 'Anne' },
          emails: [
            { type: 'work', value: 'ann@new.example.com' },
            { type: 'home', value: 'ann@home.example.com' },
          ],
        },
      }),
      script(ok(undefined, 204)),
    );
    expect(sent[0].modifiedProperties).toEqual([
      { name: 'name.givenName', oldValue: 'Ann', newValue: 'Anne' },
      { name: work, oldValue: 'ann@old.example.com', newValue: 'ann@new.example.com' },
      { name: 'emails[type eq "home"].value', oldValue: null, newValue: 'ann@home.example.com' },
    ]);
  });

  it('takes the old values from the resource read when reconciling (what the target held)', () => {
    const { sent } = run(
      update({ reconcile: true }),
      script(
        ok({ id: 't-1', userName: 'ann@example.com', title: 'Drifted', active: true }),
        ok(undefined, 204),
      ),
    );
    expect(sent[1].modifiedProperties).toEqual([{ name: 'title', oldValue: 'Drifted', newValue: 'Lead' }]);
  });

  it('states, with each request, what is known if that request fails', () => {
    const gen = planAttempt(input({}));
    const lookup = gen.next();
    expect(lookup.value).toMatchObject({ kind: 'send', known: NOTHING });
    gen.next(list({ id: 't-7', userName: 'ann@example.com', title: 'Dev' }));
    const patch = gen.next().value as PlanEffect;
    expect(patch).toMatchObject({
      kind: 'send',
      request: { method: 'PATCH' },
      known: { targetObjectId: 't-7', status: 'active', nowInTarget: true },
    });
  });
});

describe('planAttempt: leaver', () => {
  it('DELETEs by the target id, tolerating 404, and forgets the object and its memberships', () => {
    const { sent, result } = run(
      input({
        decision: { kind: 'delete', reason: 'purged', why: 'purged' },
        desired: {},
        known: inTarget('t/1', {}),
      }),
      script(failed(404)),
    );
    expect(sent).toEqual([
      {
        method: 'DELETE',
        path: '/Users/t%2F1',
        logAs: 'Delete',
        tolerate: [404],
        reason: 'purged',
        detail: 'purged',
      },
    ]);
    expect(result).toEqual({
      kind: 'done',
      known: {
        targetObjectId: null,
        status: 'deleted',
        lastSent: null,
        lastSentHash: null,
        ignored: null,
        nowInTarget: false,
      },
      members: 'forget',
    });
  });
});

describe('planAttempt: group members', () => {
  const members = Array.from({ length: 152 }, (_, i) => `u${i}`);
  const targetIds = new Map(members.slice(0, 150).map((id) => [id, `T${id}`]));
  targetIds.set('old', 'Told');

  it('adds members the target has in chunks of 100, removes the ones no longer wanted, warns of the missing', () => {
    const { sent, effects, result } = run(
      input({
        objectType: 'Group',
        decision: { kind: 'update' },
        desired: { displayName: 'Ops', members: members.map((value) => ({ value })) },
        known: inTarget('g-1', { displayName: 'Ops' }),
        members: { have: new Set(['old', 'gone']), targetIds },
      }),
      () => ok(undefined, 204),
    );
    expect(sent.map((r) => r.path)).toEqual(['/Groups/g-1', '/Groups/g-1', '/Groups/g-1']);
    const ops = sent.map(
      (r) => (r.body as { Operations: { op: string; path: string; value?: unknown[] }[] }).Operations,
    );
    expect(ops[0][0].value).toHaveLength(100);
    expect(ops[1][0].value).toEqual(members.slice(100, 150).map((id) => ({ value: `T${id}` })));
    expect(ops[2]).toEqual([{ op: 'remove', path: 'members[value eq "Told"]' }]);
    expect(sent.map((r) => r.modifiedProperties)).toEqual([
      [{ name: 'members', oldValue: null, newValue: members.slice(0, 100).map((id) => `T${id}`) }],
      [{ name: 'members', oldValue: null, newValue: members.slice(100, 150).map((id) => `T${id}`) }],
      [{ name: 'members', oldValue: ['Told'], newValue: null }],
    ]);
    expect(sent.every((r) => r.logAs === 'Update')).toBe(true);
    expect(steps(effects)).toContainEqual({
      step: 'processing',
      status: 'warning',
      description: '2 member(s) not in the target yet; added once they are',
    });
    expect(done(result).members).toEqual({ added: members.slice(0, 150), removed: ['old', 'gone'] });
  });

  it("names a new group's members not in the target for /Bulk, and records those its POST added", () => {
    const newGroup = input({
      objectType: 'Group',
      desired: { displayName: 'Ops', members: ['u0', 'u1', 'u2', 'u3'].map((value) => ({ value })) },
      matching: [{ targetAttribute: 'displayName', value: 'Ops' }],
      members: { have: new Set(), targetIds: new Map([['u0', 'T0']]) },
    });
    const addT0 = {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'members', value: [{ value: 'T0' }] }],
    };
    // Through /Bulk, with u1 and u2 created in the same request: the POST added them, the PATCH adds u0 only.
    const linked: PlanAnswer = { ...ok({ id: 'g-1' }, 201), linked: ['u1', 'u2'] };
    const bulk = run(newGroup, script(list(), linked, ok(undefined, 204)));
    expect(bulk.sent[1]).toMatchObject({ method: 'POST', path: '/Groups', linkMembers: ['u1', 'u2', 'u3'] });
    expect(bulk.sent[1].body).toEqual({ displayName: 'Ops' });
    expect(bulk.sent.slice(2).map((r) => r.body)).toEqual([addT0]);
    expect(steps(bulk.effects)).toEqual(
      expect.arrayContaining([
        {
          step: 'export',
          status: 'success',
          description:
            '2 member(s) added with the group, by the bulkId of their create in the same /Bulk request',
        },
        {
          step: 'processing',
          status: 'warning',
          description: '1 member(s) not in the target yet; added once they are',
        },
      ]),
    );
    expect(done(bulk.result).members).toEqual({ added: ['u1', 'u2', 'u0'], removed: [] });
    // Sent alone (no reference made): as before, the members the target has, the others once they are there.
    const alone = run(newGroup, script(list(), ok({ id: 'g-1' }, 201), ok(undefined, 204)));
    expect(alone.sent.slice(2).map((r) => r.body)).toEqual([addT0]);
    expect(done(alone.result).members).toEqual({ added: ['u0'], removed: [] });
  });

  it("names an existing group's new members in its first membership PATCH through /Bulk, or in a PATCH of its own", () => {
    const group = (targetIds: Map<string, string>) =>
      input({
        objectType: 'Group',
        decision: { kind: 'update' },
        desired: { displayName: 'Ops', members: ['u0', 'u1', 'u2'].map((value) => ({ value })) },
        known: inTarget('g-1', { displayName: 'Ops' }),
        members: { have: new Set(), targetIds },
        linkable: true,
      });
    // u0 is in the target: its add carries the references to u1 and u2; u1's create shared the request.
    const mixed = run(group(new Map([['u0', 'T0']])), () => ({
      ...ok(undefined, 204),
      linked: ['u1'],
    }));
    expect(mixed.sent).toHaveLength(1);
    expect(mixed.sent[0]).toMatchObject({ method: 'PATCH', linkMembers: ['u1', 'u2'], linkOp: 'add' });
    expect(mixed.sent[0].linkOnly).toBeUndefined();
    expect(steps(mixed.effects)).toEqual(
      expect.arrayContaining([
        {
          step: 'export',
          status: 'success',
          description: '1 member(s) added by the bulkId of their create in the same /Bulk request',
        },
        {
          step: 'processing',
          status: 'warning',
          description: '1 member(s) not in the target yet; added once they are',
        },
      ]),
    );
    expect(done(mixed.result).members).toEqual({ added: ['u0', 'u1'], removed: [] });

    // None in the target: a PATCH with no operation of its own, sent only if it names someone; here it named nobody.
    const only = run(group(new Map()), () => UNSENT);
    expect(only.sent).toHaveLength(1);
    expect(only.sent[0]).toMatchObject({
      method: 'PATCH',
      body: { schemas: [PATCH_OP], Operations: [] },
      linkMembers: ['u0', 'u1', 'u2'],
      linkOnly: true,
    });
    expect(steps(only.effects)).toContainEqual({
      step: 'processing',
      status: 'warning',
      description: '3 member(s) not in the target yet; added once they are',
    });
    expect(done(only.result).members).toEqual({ added: [], removed: [] });

    // Not through /Bulk: no such PATCH.
    const plain = run({ ...group(new Map()), linkable: false }, () => ok(undefined, 204));
    expect(plain.sent).toEqual([]);
  });

  it('sends no member change for a user or a group whose mapping has no members', () => {
    const { result } = run(
      input({
        objectType: 'Group',
        decision: { kind: 'update' },
        desired: { displayName: 'Ops' },
        known: inTarget('g', { displayName: 'Ops' }),
      }),
      script(),
    );
    expect(done(result).members).toBeUndefined();
  });
});

describe('planAttempt: changes the target did not keep', () => {
  const DEPT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department';
  const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
  const desired = { userName: 'ann@example.com', title: 'Lead', [ENT]: { department: 'Ops' } };
  const sentBefore = flattenResource(desired);
  const holding = (title: string, department: string, extra: Record<string, unknown> = {}) =>
    ok({ id: 't-1', userName: 'ann@example.com', title, [ENT]: { department }, ...extra });
  const reconcile = (overrides: Partial<PlanInput> = {}) =>
    input({
      decision: { kind: 'update' },
      desired,
      known: inTarget('t-1', sentBefore),
      reconcile: true,
      target: { profile: 'entra', updateStyle: 'PATCH', verifyUpdates: false },
      ...overrides,
    });
  const warnings = (effects: PlanEffect[]) => effects.filter((e) => e.kind === 'warning');
  const ignoredOf = (result: PlanResult) =>
    JSON.parse(done(result).known.ignored ?? '{}') as Record<string, unknown>;

  it('sends a value the target does not hold once more, reads it back, and warns of what it did not keep', () => {
    const { sent, effects, result } = run(
      reconcile(),
      script(holding('Dev', 'Sales'), ok(undefined, 200), holding('Dev', 'Sales')),
    );
    expect(sent.map((r) => r.method)).toEqual(['GET', 'PATCH', 'GET']);
    expect(warnings(effects)).toEqual([
      expect.objectContaining({ action: 'Update', reason: 'target_ignored_change' }),
    ]);
    const [warning] = warnings(effects);
    expect(warning.detail).toContain(`title, ${DEPT}: the target answers 2xx to capitalised PATCH ops`);
    expect(ignoredOf(result)).toEqual({
      title: expect.objectContaining({ cause: 'capitalised_ops', sentWith: 'entra/PATCH' }),
      [DEPT]: expect.objectContaining({ cause: 'capitalised_ops', seenAt: '2026-12-04T10:00:00.000Z' }),
    });
  });

  it('names an extension path stored under its own name, beside a core attribute the target kept', () => {
    const misplaced = holding('Lead', 'Sales', { [DEPT]: 'Ops' });
    const { effects, result } = run(
      reconcile(),
      script(holding('Dev', 'Sales'), ok(undefined, 200), misplaced),
    );
    const [warning] = warnings(effects);
    expect(warning.detail).toContain(`${DEPT}: the target does not store PATCH paths into an extension`);
    expect(warning.detail).not.toContain('title');
    expect(Object.keys(ignoredOf(result))).toEqual([DEPT]);
  });

  it('repairs drift without a warning when the value sent again is kept', () => {
    const { sent, effects, result } = run(
      reconcile(),
      script(holding('Dev', 'Ops'), ok(undefined, 200), holding('Lead', 'Ops')),
    );
    expect(sent.map((r) => r.method)).toEqual(['GET', 'PATCH', 'GET']);
    expect(warnings(effects)).toEqual([]);
    expect(done(result).known.ignored).toBeNull();
  });

  it('does not send again a value the target did not keep under the same settings, and says so', () => {
    const first = run(
      reconcile(),
      script(holding('Dev', 'Sales'), ok(undefined, 200), holding('Dev', 'Sales')),
    );
    const known = done(first.result).known;
    const { sent, effects, result } = run(reconcile({ known }), script(holding('Dev', 'Sales')));
    expect(sent.map((r) => r.method)).toEqual(['GET']);
    expect(notes(effects)).toEqual([
      expect.objectContaining({
        reason: 'ignored_change_not_resent',
        detail: expect.stringContaining('title'),
      }),
    ]);
    expect(Object.keys(ignoredOf(result)).sort()).toEqual(['title', DEPT].sort());
  });

  it('sends them again, once, under another profile, and forgets them when they are kept', () => {
    const first = run(
      reconcile(),
      script(holding('Dev', 'Sales'), ok(undefined, 200), holding('Dev', 'Sales')),
    );
    const { sent, effects, result } = run(
      reconcile({
        known: done(first.result).known,
        target: { profile: 'rfc', updateStyle: 'PATCH', verifyUpdates: false },
      }),
      script(holding('Dev', 'Sales'), ok(undefined, 200), holding('Lead', 'Ops')),
    );
    expect(sent.map((r) => r.method)).toEqual(['GET', 'PATCH', 'GET']);
    expect(warnings(effects)).toEqual([]);
    expect(done(result).known.ignored).toBeNull();
  });

  it('still sends a new value of another attribute, leaving the ignored one out', () => {
    const first = run(
      reconcile(),
      script(holding('Dev', 'Sales'), ok(undefined, 200), holding('Dev', 'Sales')),
    );
    const known = done(first.result).known;
    const { sent } = run(
      reconcile({ known, reconcile: false, desired: { ...desired, nickName: 'annie' } }),
      script(ok(undefined, 200)),
    );
    expect(sent).toHaveLength(1);
    expect((sent[0].body as { Operations: unknown[] }).Operations).toEqual([
      { op: 'Replace', value: { nickName: 'annie' } },
    ]);
  });

  it('with verifyUpdates reads back every update, not only at reconciliation', () => {
    const { sent, effects } = run(
      reconcile({
        reconcile: false,
        known: inTarget('t-1', { userName: 'ann@example.com', title: 'Dev', [DEPT]: 'Ops' }),
        target: { profile: 'entra', updateStyle: 'PATCH', verifyUpdates: true },
      }),
      script(ok(undefined, 200), holding('Dev', 'Ops')),
    );
    expect(sent.map((r) => r.method)).toEqual(['PATCH', 'GET']);
    expect(warnings(effects)).toHaveLength(1);
  });
});

describe('readResponse', () => {
  it('fails a 2xx that is not what the request expects, as the client did', () => {
    const get: PlannedRequest = { method: 'GET', path: '/Users', expect: 'list' };
    expect(readResponse(get, ok({ id: 'x' }))).toMatchObject({
      ok: false,
      status: 200,
      error: { kind: 'invalid-response', message: 'The target did not answer with a SCIM ListResponse' },
    });
    expect(readResponse(get, ok({ schemas: [LIST], totalResults: 0 }))).toMatchObject({
      ok: true,
      body: { Resources: [] },
    });
    const post: PlannedRequest = { method: 'POST', path: '/Users', expect: 'resource' };
    expect(readResponse(post, ok({ userName: 'a' }, 201))).toMatchObject({
      ok: false,
      error: { kind: 'invalid-response', message: 'The target answered without a resource id' },
    });
    expect(readResponse({ method: 'PATCH', path: '/Users/1' }, ok(undefined, 204)).ok).toBe(true);
  });
});

describe('planAttempt: a leaver in doubt (its create may have landed unrecorded)', () => {
  const leaver = (kind: 'disable' | 'delete') =>
    input({
      decision: {
        kind,
        reason: 'disabled',
        why: 'disabled in the directory (active false)',
        ifAbsent: { reason: 'not_active', detail: 'disabled in the directory and never provisioned' },
      },
      desired: { userName: 'ann@example.com', title: 'Lead', active: false },
    });
  const found = { id: 'T1', userName: 'ann@example.com', title: 'Lead', active: true };

  it('looks the account up and disables what it finds', () => {
    const { sent, result } = run(leaver('disable'), script(list(found), ok(found), ok(undefined, 204)));
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /Users',
      'GET /Users/T1',
      'PATCH /Users/T1',
    ]);
    expect(sent[2]).toMatchObject({ logAs: 'Disable', reason: 'disabled' });
    expect(done(result).known).toMatchObject({ targetObjectId: 'T1', status: 'disabled' });
  });

  it('deletes what it finds when the target deletes leavers', () => {
    const { sent, result } = run(leaver('delete'), script(list(found), ok(undefined, 204)));
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /Users', 'DELETE /Users/T1']);
    expect(done(result).known).toMatchObject({ targetObjectId: null, status: 'deleted' });
  });

  it('skips with the never-provisioned reason when the target does not have it', () => {
    const { effects, sent, result } = run(leaver('disable'), script(list()));
    expect(sent.map((r) => r.method)).toEqual(['GET']);
    expect(effects.find((e) => e.kind === 'skip')).toMatchObject({
      reason: 'not_active',
      detail: expect.stringContaining('looked up'),
    });
    expect(done(result).known).toEqual(NOTHING);
  });
});

describe('planAttempt: joiners matched against a listing of the target', () => {
  const listing = (...accounts: { id: string; userName?: string; externalId?: string }[]) => {
    const index = new MatchIndex(new Date('2026-12-04T09:59:00.000Z'), ['userName', 'externalId']);
    for (const a of accounts) index.add(a);
    return index;
  };
  const created = ok({ id: 't-new', userName: 'ann@example.com' }, 201);
  const methods = (sent: PlannedRequest[]) =>
    sent.map((r) => `${r.method} ${r.path}${r.query?.filter ? ` ${r.query.filter}` : ''}`);

  it('creates at once when no listed account has the value (no lookup)', () => {
    const { sent, effects, result } = run(
      input({ index: listing({ id: 't-9', userName: 'bob@example.com' }) }),
      script(created),
    );
    expect(methods(sent)).toEqual(['POST /Users']);
    expect(done(result).known.targetObjectId).toBe('t-new');
    expect(steps(effects)[0].description).toMatch(
      /no match among the 1 accounts listed at 2026-12-04T09:59:00.000Z/,
    );
  });

  it('reads the listed account by its id, case aside, and adopts it (never a POST)', () => {
    const { sent, result } = run(
      input({ index: listing({ id: 't-7', userName: 'ANN@example.com' }) }),
      script(ok({ id: 't-7', userName: 'ann@example.com', title: 'Old', active: true }), ok({ id: 't-7' })),
    );
    expect(methods(sent)).toEqual(['GET /Users/t-7', 'PATCH /Users/t-7']);
    expect(done(result).known.targetObjectId).toBe('t-7');
  });

  it('asks the target when the listed account is gone since the listing (404)', () => {
    const { sent } = run(
      input({ index: listing({ id: 't-7', userName: 'ann@example.com' }) }),
      script(failed(404), list(), created),
    );
    expect(methods(sent)).toEqual([
      'GET /Users/t-7',
      'GET /Users userName eq "ann@example.com"',
      'POST /Users',
    ]);
  });

  it('asks the target when the listed account no longer holds the value (renamed since the listing)', () => {
    const { sent, result } = run(
      input({ index: listing({ id: 't-7', userName: 'ann@example.com' }) }),
      script(ok({ id: 't-7', userName: 'bob@example.com', active: true }), list(), created),
    );
    expect(methods(sent)).toEqual([
      'GET /Users/t-7',
      'GET /Users userName eq "ann@example.com"',
      'POST /Users',
    ]);
    expect(done(result).known.targetObjectId).toBe('t-new');
  });

  it('asks the target, not the listing, after a 409 and for an object whose create may have gone unrecorded', () => {
    const after409 = run(
      input({ index: listing() }),
      script(failed(409), list({ id: 't-5', userName: 'ann@example.com' }), ok({ id: 't-5' })),
    );
    expect(methods(after409.sent).slice(0, 2)).toEqual([
      'POST /Users',
      'GET /Users userName eq "ann@example.com"',
    ]);
    expect(done(after409.result).known.targetObjectId).toBe('t-5');

    const inDoubt = run(
      input({ index: listing(), known: { ...NOTHING, inDoubt: true } }),
      script(list(), created),
    );
    expect(methods(inDoubt.sent)).toEqual(['GET /Users userName eq "ann@example.com"', 'POST /Users']);
  });

  it('asks the target about two listed accounts with the value, and refuses to guess when it has both', () => {
    const { sent, result } = run(
      input({
        index: listing({ id: 'a', userName: 'ann@example.com' }, { id: 'b', userName: 'Ann@example.com' }),
      }),
      script(list({ id: 'a', userName: 'ann@example.com' }, { id: 'b', userName: 'Ann@example.com' })),
    );
    expect(methods(sent)).toEqual(['GET /Users userName eq "ann@example.com"']);
    expect(result).toMatchObject({ kind: 'rejected', reason: 'multiple_matches' });
  });

  it('looks up an attribute the listing does not hold, and never uses a listing for groups', () => {
    const byEmail = run(
      input({
        index: listing(),
        matching: [{ targetAttribute: 'emails[type eq "work"].value', value: 'ann@example.com' }],
      }),
      script(list(), created),
    );
    expect(methods(byEmail.sent)[0]).toBe('GET /Users emails[type eq "work"].value eq "ann@example.com"');
    const group = run(
      input({
        objectType: 'Group',
        index: listing(),
        desired: { displayName: 'Sales' },
        matching: [{ targetAttribute: 'displayName', value: 'Sales' }],
      }),
      script(list(), ok({ id: 'g-1', displayName: 'Sales' }, 201)),
    );
    expect(methods(group.sent)[0]).toBe('GET /Groups displayName eq "Sales"');
  });
});
