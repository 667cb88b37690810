import { REDACTED, redactBody, redactHeaders, redactRequest, redactResponseText } from './request.redactor';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('redactRequest', () => {
  it('masks the Authorization header but keeps its scheme, and leaves other headers alone', () => {
    const out = redactRequest({
      method: 'POST',
      url: 'https://app.example.com/scim/Users',
      headers: {
        Authorization: 'Bearer eyJhbGciOi.secret',
        'Content-Type': 'application/scim+json',
        Cookie: 'sid=1',
      },
    });
    expect(out.headers).toEqual({
      Authorization: `Bearer ${REDACTED}`,
      'Content-Type': 'application/scim+json',
      Cookie: REDACTED,
    });
    expect(JSON.stringify(out)).not.toContain('secret');
  });

  it('masks password always and the attributes a target marks secret, at any depth and case', () => {
    const body = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
      userName: 'ada@example.com',
      Password: 'hunter2',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ type: 'work', value: 'ada@example.com' }],
      [ENTERPRISE]: { employeeNumber: '701984', costCenter: 'CC1' },
    };
    const out = redactBody(body, { secretAttributes: ['name.familyName', `${ENTERPRISE}:employeeNumber`] });
    expect(out).toEqual({
      ...body,
      Password: REDACTED,
      name: { givenName: 'Ada', familyName: REDACTED },
      [ENTERPRISE]: { employeeNumber: REDACTED, costCenter: 'CC1' },
    });
    expect(body.Password).toBe('hunter2');
  });

  it('masks a simple secret name inside multi-valued and extension attributes', () => {
    const out = redactBody(
      { emails: [{ value: 'a@x' }, { value: 'b@x' }], [ENTERPRISE]: { badgeCode: 'B-1' } },
      { secretAttributes: ['badgeCode', 'emails'] },
    );
    expect(out).toEqual({ emails: REDACTED, [ENTERPRISE]: { badgeCode: REDACTED } });
  });

  it('masks PATCH values by operation path, value filters included', () => {
    const out = redactBody(
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          { op: 'replace', path: 'password', value: 'hunter2' },
          { op: 'Replace', path: 'emails[type eq "work"].value', value: 'w@x' },
          { op: 'replace', path: `${ENTERPRISE}:employeeNumber`, value: '42' },
          { op: 'replace', path: 'title', value: 'Engineer' },
        ],
      },
      { secretAttributes: ['emails.value', `${ENTERPRISE}:employeeNumber`] },
    ) as { Operations: { value: unknown }[] };
    expect(out.Operations.map((o) => o.value)).toEqual([REDACTED, REDACTED, REDACTED, 'Engineer']);
  });

  it("masks keys of Entra's path-less replace (dotted and URN keys)", () => {
    const out = redactBody(
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          {
            op: 'replace',
            value: {
              displayName: 'Bjfe',
              'name.givenName': 'Kkom',
              [`${ENTERPRISE}:employeeNumber`]: 'Aklq',
            },
          },
        ],
      },
      { secretAttributes: ['name.givenName', 'employeeNumber'] },
    ) as { Operations: { value: unknown }[] };
    expect(out.Operations[0].value).toEqual({
      displayName: 'Bjfe',
      'name.givenName': REDACTED,
      [`${ENTERPRISE}:employeeNumber`]: REDACTED,
    });
  });

  it('does not mask a qualified secret under another parent', () => {
    const out = redactBody(
      { name: { familyName: 'L' }, manager: { familyName: 'M' } },
      { secretAttributes: ['name.familyName'] },
    );
    expect(out).toEqual({ name: { familyName: REDACTED }, manager: { familyName: 'M' } });
  });

  it('keeps a body that names no secret as it is (no copy), and masks one secret anywhere in the same body', () => {
    // Bodies of every shape built from keys that name no secret; then a secret put in one of their objects.
    const keys = [
      'userName',
      'name',
      'givenName',
      'emails',
      'value',
      'type',
      ENTERPRISE,
      'name.givenName',
      'op',
    ];
    const secrets = ['name.familyName', 'badgeCode', `${ENTERPRISE}:employeeNumber`];
    let seed = 7;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const objects: Record<string, unknown>[] = [];
    const make = (depth: number): Record<string, unknown> => {
      const o: Record<string, unknown> = {};
      objects.push(o);
      for (let i = next(4) + 1; i > 0; i--) {
        const key = keys[next(keys.length)];
        o[key] =
          depth < 3 && next(3) === 0
            ? next(2) === 0
              ? make(depth + 1)
              : [make(depth + 1), 'x']
            : `v${next(100)}`;
      }
      return o;
    };
    for (let round = 0; round < 300; round++) {
      objects.length = 0;
      const body =
        round % 3 === 0
          ? { Operations: [{ op: 'replace', path: keys[next(keys.length)], value: make(1) }] }
          : make(0);
      expect(redactBody(body, { secretAttributes: secrets })).toBe(body);
      const holder = objects[next(objects.length)];
      const secret = ['password', 'badgeCode', 'Password'][round % 3];
      holder[secret] = 'S3cret';
      const before = JSON.stringify(body);
      const out = JSON.stringify(redactBody(body, { secretAttributes: secrets }));
      expect(out).not.toContain('S3cret');
      expect(JSON.stringify(body)).toBe(before);
    }
    // A PatchOp whose path names the secret, its value naming none.
    const patch = { Operations: [{ op: 'replace', path: `${ENTERPRISE}:employeeNumber`, value: 'S3cret' }] };
    expect(JSON.stringify(redactBody(patch, { secretAttributes: secrets }))).not.toContain('S3cret');
  });

  it('redactHeaders masks a bare credential without a scheme', () => {
    expect(redactHeaders({ 'x-api-key': 'k' })).toEqual({ 'x-api-key': REDACTED });
  });
});

describe('redactResponseText', () => {
  it('masks the secret attributes a target echoes back, under any spelling of the key', () => {
    const echoed = JSON.stringify({ id: '1', userName: 'ann', password: 'p', name: { givenName: 'Ann' } });
    expect(JSON.parse(redactResponseText(echoed, { secretAttributes: ['name.givenName'] }))).toEqual({
      id: '1',
      userName: 'ann',
      password: REDACTED,
      name: { givenName: REDACTED },
    });
    // An escaped key is the same key once parsed.
    expect(redactResponseText('{"passw\\u006frd":"p"}')).toBe(`{"password":"${REDACTED}"}`);
  });

  it('keeps an answer that names no secret attribute as it came, and any non-JSON text', () => {
    const text = '{ "id": "1",  "userName": "ann" }';
    expect(redactResponseText(text, { secretAttributes: ['title'] })).toBe(text);
    expect(redactResponseText('<html>password</html>')).toBe('<html>password</html>');
  });
});
