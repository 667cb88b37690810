import {
  BulkOperation,
  bulkRequestBody,
  LinkableOperation,
  linkMembers,
  matchResults,
  operationAnswer,
  operationSize,
  packOperations,
  readBulkResponse,
  readBulkSupport,
  requestSize,
} from './bulk-request';
import type { ScimResult } from './scim-client.types';

const user = (n: number, pad = 0): BulkOperation => ({
  method: 'POST',
  path: '/Users',
  bulkId: `b${n}`,
  data: { userName: `user${n}@example.com`, title: 'x'.repeat(pad) },
});

describe('readBulkSupport', () => {
  it('reads the advertised limits, numbers or numeric strings', () => {
    expect(
      readBulkSupport({ bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 } }),
    ).toEqual({ supported: true, maxOperations: 1000, maxPayloadSize: 1048576 });
    expect(
      readBulkSupport({ bulk: { supported: 'true', maxOperations: '50', maxPayloadSize: '2000' } }),
    ).toEqual({
      supported: true,
      maxOperations: 50,
      maxPayloadSize: 2000,
    });
  });

  it('never uses bulk that is off, absent, or advertised without both limits', () => {
    expect(
      readBulkSupport({ bulk: { supported: false, maxOperations: 10, maxPayloadSize: 10 } }),
    ).toMatchObject({
      supported: false,
      reason: expect.stringMatching(/supported false/),
    });
    expect(readBulkSupport({ patch: { supported: true } })).toMatchObject({ supported: false });
    expect(readBulkSupport('nonsense')).toMatchObject({ supported: false });
    expect(readBulkSupport({ bulk: { supported: true, maxPayloadSize: 10 } })).toMatchObject({
      supported: false,
      reason: expect.stringMatching(/maxOperations/),
    });
    expect(readBulkSupport({ bulk: { supported: true, maxOperations: 5, maxPayloadSize: 0 } })).toMatchObject(
      {
        supported: false,
        reason: expect.stringMatching(/maxPayloadSize/),
      },
    );
  });
});

describe('packing operations into requests', () => {
  it('measures a request exactly as it is serialized', () => {
    const ops = [user(1), user(2, 40), { method: 'DELETE', path: '/Users/a%20b' } as BulkOperation];
    expect(requestSize(ops.map(operationSize))).toBe(Buffer.byteLength(JSON.stringify(bulkRequestBody(ops))));
    expect(requestSize([])).toBe(Buffer.byteLength(JSON.stringify(bulkRequestBody([]))));
  });

  it('closes a request at maxOperations', () => {
    const sizes = Array.from({ length: 25 }, (_, i) => operationSize(user(i)));
    const { requests, alone } = packOperations(sizes, { maxOperations: 10, maxPayloadSize: 1_000_000 });
    expect(requests.map((r) => r.length)).toEqual([10, 10, 5]);
    expect(requests.flat()).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(alone).toEqual([]);
  });

  it('closes a request before it would exceed maxPayloadSize, and never sends one over it', () => {
    const ops = Array.from({ length: 30 }, (_, i) => user(i, i % 7 === 0 ? 300 : 20));
    const sizes = ops.map(operationSize);
    const maxPayloadSize = 1200;
    const { requests, alone } = packOperations(sizes, { maxOperations: 100, maxPayloadSize });
    expect(alone).toEqual([]);
    expect(requests.length).toBeGreaterThan(3);
    for (const r of requests) {
      const body = JSON.stringify(bulkRequestBody(r.map((i) => ops[i])));
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(maxPayloadSize);
    }
    // Greedy in order: each request would have been too large with the next operation.
    for (let k = 0; k < requests.length - 1; k++) {
      const withNext = [...requests[k], requests[k + 1][0]].map((i) => sizes[i]);
      expect(requestSize(withNext)).toBeGreaterThan(maxPayloadSize);
    }
    expect(requests.flat()).toEqual(ops.map((_, i) => i));
  });

  it('sends an operation that alone exceeds maxPayloadSize as a plain request', () => {
    const ops = [user(0), user(1, 2000), user(2)];
    const { requests, alone } = packOperations(ops.map(operationSize), {
      maxOperations: 10,
      maxPayloadSize: 1000,
    });
    expect(alone).toEqual([1]);
    expect(requests).toEqual([[0, 2]]);
  });

  it('counts a request at exactly maxPayloadSize as fitting', () => {
    const sizes = [100, 100];
    const exact = requestSize(sizes);
    expect(packOperations(sizes, { maxOperations: 5, maxPayloadSize: exact }).requests).toEqual([[0, 1]]);
    expect(packOperations(sizes, { maxOperations: 5, maxPayloadSize: exact - 1 }).requests).toEqual([
      [0],
      [1],
    ]);
  });
});

describe('a group and its new members in one request', () => {
  const member = (n: number): LinkableOperation => ({ op: user(n), creates: `u${n}` });
  const group = (bulkId: string, members: string[]): LinkableOperation => ({
    op: { method: 'POST', path: '/Groups', bulkId, data: { displayName: bulkId } },
    creates: bulkId,
    members,
  });
  const refsOf = (op: BulkOperation) =>
    ((op.data as { members?: { value: string }[] }).members ?? []).map((m) => m.value);

  it('names the members created in the request by their bulkIds, after their POSTs; the others are left out', () => {
    const items = [group('g', ['u1', 'u3', 'elsewhere']), member(1), member(2), member(3)];
    const { order, operations, linked } = linkMembers(items, 1_000_000);
    expect(order).toEqual([1, 2, 3, 0]);
    expect(operations.slice(0, 3)).toEqual([user(1), user(2), user(3)]);
    expect(operations[3]).toEqual({
      method: 'POST',
      path: '/Groups',
      bulkId: 'g',
      data: { displayName: 'g', members: [{ value: 'bulkId:b1' }, { value: 'bulkId:b3' }] },
    });
    expect(linked).toEqual([['u1', 'u3'], [], [], []]);
  });

  it('never names a bulkId outside the request, nor a create that names others itself', () => {
    const items = [member(1), group('inner', ['u1']), group('outer', ['inner', 'u9'])];
    const { operations, linked } = linkMembers(items, 1_000_000);
    const bulkIds = new Set(operations.map((o) => o.bulkId));
    for (const op of operations)
      for (const ref of refsOf(op)) expect(bulkIds.has(ref.replace(/^bulkId:/, ''))).toBe(true);
    expect(linked).toEqual([[], ['u1'], []]);
    expect(operations.find((o) => o.bulkId === 'outer')).toEqual(items[2].op);
  });

  it('leaves a request without such members as it was', () => {
    const items = [
      member(1),
      group('g', ['u7']),
      { op: { method: 'DELETE', path: '/Users/x' } } as LinkableOperation,
    ];
    expect(linkMembers(items, 1_000_000)).toEqual({
      order: [0, 1, 2],
      operations: items.map((i) => i.op),
      linked: [[], [], []],
    });
  });

  it("names them in an existing group's PATCH as one more add operation, in the profile's spelling", () => {
    const patch: LinkableOperation = {
      op: {
        method: 'PATCH',
        path: '/Groups/g-1',
        data: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'Add', path: 'members', value: [{ value: 'T0' }] }],
        },
      },
      members: ['u1', 'u9'],
      linkOp: 'Add',
    };
    const { order, operations, linked } = linkMembers([patch, member(1)], 1_000_000);
    expect(order).toEqual([1, 0]);
    expect(linked).toEqual([['u1'], []]);
    expect((operations[1].data as { Operations: unknown[] }).Operations).toEqual([
      { op: 'Add', path: 'members', value: [{ value: 'T0' }] },
      { op: 'Add', path: 'members', value: [{ value: 'bulkId:b1' }] },
    ]);
    // Exactly the size with the reference fits; a byte less leaves the PATCH as it was.
    const full = requestSize(operations.map(operationSize));
    expect(linkMembers([patch, member(1)], full).linked[0]).toEqual(['u1']);
    const none = linkMembers([patch, member(1)], full - 1);
    expect(none.linked[0]).toEqual([]);
    expect(none.operations).toEqual([patch.op, user(1)]);
  });

  it('adds references only as far as the request stays within maxPayloadSize', () => {
    const items = [...[1, 2, 3, 4].map(member), group('g', ['u1', 'u2', 'u3', 'u4'])];
    const sizes = (ops: BulkOperation[]) => requestSize(ops.map(operationSize));
    const all = linkMembers(items, 1_000_000);
    const plain = sizes(items.map((i) => i.op));
    const full = sizes(all.operations);
    // Exactly the size with all four: all four; one byte less: three, and the request is within the limit.
    expect(linkMembers(items, full).linked[4]).toHaveLength(4);
    const three = linkMembers(items, full - 1);
    expect(three.linked[4]).toEqual(['u1', 'u2', 'u3']);
    expect(sizes(three.operations)).toBeLessThanOrEqual(full - 1);
    expect(refsOf(three.operations[4])).toEqual(['bulkId:b1', 'bulkId:b2', 'bulkId:b3']);
    // No room for one: the group goes as it was, in its place.
    const none = linkMembers(items, plain);
    expect(none.linked[4]).toEqual([]);
    expect(none.operations).toEqual(items.map((i) => i.op));
  });
});

describe('reading results', () => {
  const request: ScimResult<unknown> = {
    ok: true,
    method: 'POST',
    url: 'https://app.example.com/scim/v2/Bulk',
    status: 200,
    headers: {},
    text: '',
    durationMs: 42,
    body: undefined,
  };

  it('matches a POST by bulkId, others by location, then by position', () => {
    const ops: BulkOperation[] = [
      user(1),
      { method: 'PATCH', path: '/Users/u%202', data: {} },
      user(3),
      { method: 'DELETE', path: '/Users/u4' },
    ];
    const results = readBulkResponse({
      Operations: [
        { method: 'POST', bulkId: 'b3', status: '201', location: 'https://x/Users/c3' },
        { method: 'PATCH', status: '200', location: 'https://x/Users/u 2' },
        { method: 'POST', bulkId: 'b1', status: '409', response: { detail: 'taken' } },
        { method: 'DELETE', status: 204 },
      ],
    })!;
    const matched = matchResults(ops, results);
    expect(matched.map((m) => m?.status)).toEqual([409, 200, 201, 204]);
  });

  it('leaves an operation the target reported nothing for unmatched', () => {
    const ops: BulkOperation[] = [user(1), user(2)];
    const results = readBulkResponse({ Operations: [{ method: 'POST', bulkId: 'b2', status: '201' }] })!;
    expect(matchResults(ops, results).map((m) => m?.bulkId)).toEqual([undefined, 'b2']);
  });

  it('refuses a body that is not a BulkResponse', () => {
    expect(readBulkResponse({ schemas: [] })).toBeNull();
    expect(readBulkResponse({ Operations: ['x'] })).toBeNull();
  });

  it('answers a created operation with the id from its location, and a failure with its status and detail', () => {
    const [created, refused] = readBulkResponse({
      Operations: [
        { method: 'POST', bulkId: 'b1', status: '201', location: 'https://x/scim/v2/Users/abc%2F1' },
        {
          method: 'POST',
          bulkId: 'b2',
          status: '409',
          response: { schemas: [], status: '409', scimType: 'uniqueness', detail: 'userName is taken' },
        },
      ],
    })!;
    const ok = operationAnswer(user(1), created, request);
    expect(ok).toMatchObject({
      ok: true,
      status: 201,
      method: 'POST',
      url: 'https://app.example.com/scim/v2/Users',
      body: { id: 'abc/1' },
      durationMs: 42,
    });
    expect(JSON.parse(ok.text)).toMatchObject({ bulkId: 'b1', status: '201' });
    const failed = operationAnswer(user(2), refused, request);
    expect(failed).toMatchObject({
      ok: false,
      status: 409,
      error: { kind: 'http', message: '409 Conflict: userName is taken' },
    });
  });

  it('keeps the resource a target sends back with a success', () => {
    const [r] = readBulkResponse({
      Operations: [
        { method: 'PUT', status: 200, response: { id: 'r1', userName: 'a' }, location: 'x/Users/zz' },
      ],
    })!;
    expect(operationAnswer({ method: 'PUT', path: '/Users/r1', data: {} }, r, request).body).toEqual({
      id: 'r1',
      userName: 'a',
    });
  });
});
