import {
  BulkOperation,
  bulkRequestBody,
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
