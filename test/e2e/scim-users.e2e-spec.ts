import { journal, testData, startTestApp, TestApp } from '../support/test-app';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ENTRA = 'urn:ietf:params:scim:schemas:extension:Microsoft:Entra:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

function aUser(userName: string, extra: Record<string, unknown> = {}) {
  return { schemas: [USER], userName, ...extra };
}

describe('SCIM /Users', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('POST', () => {
    it('creates a user with meta, Location, ETag and application/scim+json', async () => {
      const res = await t
        .scim('post', '/Users')
        .set('Content-Type', 'application/scim+json')
        .send(
          JSON.stringify(aUser('create.one@example.com', { externalId: 'E1', displayName: 'Create One' })),
        )
        .expect(201);
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.userName).toBe('create.one@example.com');
      expect(res.body.meta).toEqual({
        resourceType: 'User',
        created: expect.any(String),
        lastModified: expect.any(String),
        location: expect.stringMatching(new RegExp(`/scim/v2/Users/${res.body.id}$`)),
        version: 'W/"1"',
      });
      expect(res.headers.location).toBe(res.body.meta.location);
      expect(res.headers.etag).toBe('W/"1"');
    });

    it('gives users made one after another ids of UUID version 7, in the order they were made', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await t
          .scim('post', '/Users')
          .send(aUser(`in.order.${i}@example.com`))
          .expect(201);
        ids.push(res.body.id);
      }
      for (const id of ids)
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect([...ids].sort()).toEqual(ids);
    });

    it('accepts application/json too', async () => {
      await t.scim('post', '/Users').send(aUser('json.client@example.com')).expect(201);
    });

    it('refuses a duplicate userName case-insensitively with 409 uniqueness, writing nothing', async () => {
      await t.scim('post', '/Users').send(aUser('Dup.User@example.com')).expect(201);
      const before = (await journal(t.dataSource)).length;
      const res = await t.scim('post', '/Users').send(aUser('dup.user@EXAMPLE.com')).expect(409);
      expect(res.body).toMatchObject({ status: '409', scimType: 'uniqueness' });
      expect(res.body.detail).toMatch(/userName/);
      expect((await journal(t.dataSource)).length).toBe(before);
    });

    it.each([
      ['missing userName', { schemas: [USER], displayName: 'x' }, /userName/],
      ['userName of the wrong type', { schemas: [USER], userName: 42 }, /userName/],
      ['active of the wrong type', aUser('bad.active@example.com', { active: 'maybe' }), /active/],
      [
        'a sub-attribute of the wrong type',
        aUser('bad.emails@example.com', { emails: [{ value: 'x@example.com', primary: 'perhaps' }] }),
        /emails\.primary/,
      ],
    ])('answers 400 naming the attribute for %s', async (_name, body, detail) => {
      const count = await t.dataSource.query('SELECT COUNT(*) AS n FROM directory_user');
      const res = await t.scim('post', '/Users').send(body).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(res.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
      expect(res.body.status).toBe('400');
      expect(res.body.scimType).toEqual(expect.any(String));
      expect(res.body.detail).toMatch(detail);
      expect(await t.dataSource.query('SELECT COUNT(*) AS n FROM directory_user')).toEqual(count);
    });

    it('answers 400 invalidSyntax for malformed JSON', async () => {
      const res = await t
        .scim('post', '/Users')
        .set('Content-Type', 'application/scim+json')
        .send('{"userName": "broken@example.com",')
        .expect(400);
      expect(res.body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
      expect(res.body.detail).toMatch(/JSON/);
    });

    it('answers 415 for a body that is not JSON, without reaching the handler', async () => {
      const before = await journal(t.dataSource);
      const res = await t
        .scim('post', '/Users')
        .set('Content-Type', 'text/plain')
        .send('userName=plain@example.com')
        .expect(415);
      expect(res.body).toMatchObject({ schemas: [SCIM_ERROR], status: '415' });
      expect(await journal(t.dataSource)).toHaveLength(before.length);
    });

    it('answers 413 for a body over the limit', async () => {
      const res = await t
        .scim('post', '/Users')
        .send(aUser('big@example.com', { displayName: 'x'.repeat(1024 * 1024 + 10) }))
        .expect(413);
      expect(res.body.status).toBe('413');
    });

    it('keeps the enterprise and Entra extensions and returns them', async () => {
      const res = await t
        .scim('post', '/Users')
        .send({
          schemas: [USER, ENTERPRISE, ENTRA],
          userName: 'ext.user@example.com',
          [ENTERPRISE]: { department: 'Finance', employeeNumber: '1001', manager: { value: 'abc' } },
          [ENTRA]: {
            employeeHireDate: '2027-01-04T08:00:00Z',
            employeeLeaveDateTime: '2028-06-30T17:00:00Z',
          },
        })
        .expect(201);
      const got = await t.scim('get', `/Users/${res.body.id}`).expect(200);
      expect(got.body[ENTERPRISE]).toMatchObject({ department: 'Finance', employeeNumber: '1001' });
      expect(new Date(got.body[ENTRA].employeeHireDate).toISOString()).toBe('2027-01-04T08:00:00.000Z');
      expect(got.body.schemas).toEqual(expect.arrayContaining([USER, ENTERPRISE, ENTRA]));
    });

    it('never stores or returns a password', async () => {
      const res = await t
        .scim('post', '/Users')
        .send(aUser('pw.user@example.com', { password: 'Sup3rS3cret!' }))
        .expect(201);
      expect(res.body.password).toBeUndefined();
      const [row] = await t.dataSource.query('SELECT doc FROM directory_user WHERE id = ?', [res.body.id]);
      expect(row.doc).not.toContain('Sup3rS3cret');
    });
  });

  describe('GET', () => {
    it('returns 404 with a SCIM error for an unknown id', async () => {
      const res = await t.scim('get', '/Users/00000000-0000-0000-0000-000000000000').expect(404);
      expect(res.body).toMatchObject({
        status: '404',
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      });
    });

    it('answers 304 to If-None-Match with the current version', async () => {
      const { body } = await t.scim('post', '/Users').send(aUser('etag.get@example.com')).expect(201);
      await t.scim('get', `/Users/${body.id}`).set('If-None-Match', 'W/"1"').expect(304);
      await t.scim('get', `/Users/${body.id}`).set('If-None-Match', 'W/"7"').expect(200);
    });

    it('lists with filter eq on userName, externalId and displayName, case-insensitively where the schema says so', async () => {
      await t
        .scim('post', '/Users')
        .send(aUser('Filter.Me@example.com', { externalId: 'FX-1', displayName: 'Filter Me' }))
        .expect(201);
      const byName = await t
        .scim('get', '/Users')
        .query({ filter: 'userName eq "filter.me@example.com"' })
        .expect(200);
      expect(byName.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
      expect(byName.body.totalResults).toBe(1);
      expect(byName.body.Resources[0].userName).toBe('Filter.Me@example.com');
      const byExternal = await t.scim('get', '/Users').query({ filter: 'externalId eq "FX-1"' }).expect(200);
      expect(byExternal.body.totalResults).toBe(1);
      const byExternalWrongCase = await t
        .scim('get', '/Users')
        .query({ filter: 'externalId eq "fx-1"' })
        .expect(200);
      expect(byExternalWrongCase.body.totalResults).toBe(0);
      const byDisplay = await t
        .scim('get', '/Users')
        .query({ filter: 'displayName eq "FILTER ME"' })
        .expect(200);
      expect(byDisplay.body.totalResults).toBe(1);
      const none = await t
        .scim('get', '/Users')
        .query({ filter: 'userName eq "nobody@example.com"' })
        .expect(200);
      expect(none.body).toMatchObject({ totalResults: 0, Resources: [] });
    });

    it('pages with startIndex and count and a correct totalResults', async () => {
      for (let i = 0; i < 5; i++) {
        await t
          .scim('post', '/Users')
          .send(aUser(`page.${i}@paging.test`, { externalId: 'PAGING' }))
          .expect(201);
      }
      const page = await t
        .scim('get', '/Users')
        .query({ filter: 'externalId eq "PAGING"', startIndex: 2, count: 2 })
        .expect(200);
      expect(page.body).toMatchObject({ totalResults: 5, startIndex: 2, itemsPerPage: 2 });
      expect(page.body.Resources.map((r: { userName: string }) => r.userName)).toEqual([
        'page.1@paging.test',
        'page.2@paging.test',
      ]);
      const countOnly = await t
        .scim('get', '/Users')
        .query({ filter: 'externalId eq "PAGING"', count: 0 })
        .expect(200);
      expect(countOnly.body).toMatchObject({ totalResults: 5, itemsPerPage: 0 });
    });

    it('answers 400 invalidFilter for a filter that does not parse', async () => {
      const res = await t.scim('get', '/Users').query({ filter: 'userName eq' }).expect(400);
      expect(res.body.scimType).toBe('invalidFilter');
    });
  });

  describe('PUT', () => {
    it('replaces the user, bumps the version and journals the change', async () => {
      const { body } = await t
        .scim('post', '/Users')
        .send(aUser('put.user@example.com', { title: 'Clerk' }))
        .expect(201);
      const res = await t
        .scim('put', `/Users/${body.id}`)
        .send(aUser('put.user@example.com', { displayName: 'Put User' }))
        .expect(200);
      expect(res.body.title).toBeUndefined();
      expect(res.body.displayName).toBe('Put User');
      expect(res.body.meta.version).toBe('W/"2"');
      expect(res.body.meta.created).toBe(body.meta.created);
      const kinds = (await journal(t.dataSource)).filter((j) => j.object_id === body.id).map((j) => j.kind);
      expect(kinds).toEqual(['created', 'replaced']);
    });

    it('refuses a stale If-Match with 412 and writes nothing', async () => {
      const { body } = await t.scim('post', '/Users').send(aUser('stale.put@example.com')).expect(201);
      await t
        .scim('put', `/Users/${body.id}`)
        .send(aUser('stale.put@example.com', { title: 'A' }))
        .expect(200);
      const res = await t
        .scim('put', `/Users/${body.id}`)
        .set('If-Match', 'W/"1"')
        .send(aUser('stale.put@example.com', { title: 'B' }))
        .expect(412);
      expect(res.body.status).toBe('412');
      const got = await t.scim('get', `/Users/${body.id}`).expect(200);
      expect(got.body.title).toBe('A');
      await t
        .scim('put', `/Users/${body.id}`)
        .set('If-Match', 'W/"2"')
        .send(aUser('stale.put@example.com', { title: 'C' }))
        .expect(200);
    });

    it('refuses a rename onto another user with 409', async () => {
      await t.scim('post', '/Users').send(aUser('taken.name@example.com')).expect(201);
      const { body } = await t.scim('post', '/Users').send(aUser('free.name@example.com')).expect(201);
      const res = await t.scim('put', `/Users/${body.id}`).send(aUser('TAKEN.name@example.com')).expect(409);
      expect(res.body.scimType).toBe('uniqueness');
    });

    it('answers 404 for an unknown id', async () => {
      await t
        .scim('put', '/Users/00000000-0000-0000-0000-000000000000')
        .send(aUser('ghost@example.com'))
        .expect(404);
    });
  });

  describe('PATCH', () => {
    it('adds, replaces and removes simple attributes', async () => {
      const { body } = await t
        .scim('post', '/Users')
        .send(aUser('patch.user@example.com', { title: 'Clerk', nickName: 'P' }))
        .expect(201);
      const res = await t
        .scim('patch', `/Users/${body.id}`)
        .send({
          schemas: [PATCH_OP],
          Operations: [
            { op: 'replace', path: 'title', value: 'Manager' },
            { op: 'add', path: 'displayName', value: 'Patch User' },
            { op: 'remove', path: 'nickName' },
          ],
        })
        .expect(200);
      expect(res.body).toMatchObject({ title: 'Manager', displayName: 'Patch User' });
      expect(res.body.nickName).toBeUndefined();
      expect(res.body.meta.version).toBe('W/"2"');
    });

    it('sets active false: a disabled user, still readable', async () => {
      const { body } = await t
        .scim('post', '/Users')
        .send(aUser('disable.me@example.com', { active: true }))
        .expect(201);
      await t
        .scim('patch', `/Users/${body.id}`)
        .send({ schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] })
        .expect(200);
      const got = await t.scim('get', `/Users/${body.id}`).expect(200);
      expect(got.body.active).toBe(false);
      const [row] = await t.dataSource.query('SELECT active, deleted_at FROM directory_user WHERE id = ?', [
        body.id,
      ]);
      expect(Number(row.active)).toBe(0);
      expect(row.deleted_at).toBeNull();
    });

    it('answers 400 for an operation it cannot apply, writing nothing', async () => {
      const { body } = await t.scim('post', '/Users').send(aUser('bad.patch@example.com')).expect(201);
      const res = await t
        .scim('patch', `/Users/${body.id}`)
        .send({ schemas: [PATCH_OP], Operations: [{ op: 'explode', path: 'title', value: 'x' }] })
        .expect(400);
      expect(res.body.scimType).toEqual(expect.any(String));
      const got = await t.scim('get', `/Users/${body.id}`).expect(200);
      expect(got.body.meta.version).toBe('W/"1"');
    });
  });

  describe('DELETE', () => {
    it('accepts a DELETE with a JSON Content-Type and no body', async () => {
      const { body } = await t.scim('post', '/Users').send(aUser('empty.body@example.com')).expect(201);
      await t.scim('delete', `/Users/${body.id}`).set('Content-Type', 'application/scim+json').expect(204);
      await t.scim('get', `/Users/${body.id}`).expect(404);
    });

    it('soft-deletes: 204, then 404 on reads, the row kept with its deletion time and journalled', async () => {
      const { body } = await t.scim('post', '/Users').send(aUser('leaver@example.com')).expect(201);
      await t.scim('delete', `/Users/${body.id}`).expect(204);
      await t.scim('get', `/Users/${body.id}`).expect(404);
      const list = await t
        .scim('get', '/Users')
        .query({ filter: 'userName eq "leaver@example.com"' })
        .expect(200);
      expect(list.body.totalResults).toBe(0);
      const [row] = await t.dataSource.query(
        'SELECT user_name, deleted_at FROM directory_user WHERE id = ?',
        [body.id],
      );
      expect(row.user_name).toBe('leaver@example.com');
      expect(row.deleted_at).not.toBeNull();
      const kinds = (await journal(t.dataSource)).filter((j) => j.object_id === body.id).map((j) => j.kind);
      expect(kinds).toEqual(['created', 'deleted']);
      await t.scim('delete', `/Users/${body.id}`).expect(404);
    });

    it('frees the userName for a rehire', async () => {
      const { body } = await t.scim('post', '/Users').send(aUser('rehire@example.com')).expect(201);
      await t.scim('delete', `/Users/${body.id}`).expect(204);
      const again = await t.scim('post', '/Users').send(aUser('rehire@example.com')).expect(201);
      expect(again.body.id).not.toBe(body.id);
    });
  });

  describe('RFC 7643/7644 sample payloads', () => {
    it.each([
      'rfc-samples/rfc7643-8.1-user-minimal.json',
      'rfc-samples/rfc7643-8.2-user-full.json',
      'rfc-samples/rfc7643-8.3-enterprise_user.json',
      'rfc-samples/rfc7644-3.3-user-post_request.json',
    ])('round-trips %s', async (file) => {
      const sample = testData(file);
      const { id: _id, meta: _meta, groups: _groups, password: _password, ...rest } = sample;
      // The samples share one userName; each round trip gets its own.
      const input: Record<string, unknown> = {
        ...rest,
        userName: `${file.replace(/\W/g, '')}.${String(rest.userName)}`,
      };
      const res = await t.scim('post', '/Users').send(input).expect(201);
      const got = await t.scim('get', `/Users/${res.body.id}`).expect(200);
      const { id: _gid, meta: _gmeta, schemas, ...returned } = got.body;
      const { schemas: inputSchemas, ...expected } = input;
      // RFC 7643 §4.3: manager.displayName is readOnly, so the server does not keep what a client sends.
      const enterprise = expected[ENTERPRISE] as { manager?: { displayName?: string } } | undefined;
      if (enterprise?.manager) delete enterprise.manager.displayName;
      expect(returned).toEqual(expected);
      expect([...schemas].sort()).toEqual([...(inputSchemas as string[])].sort());
    });
  });

  describe('request id', () => {
    it('echoes X-Request-Id and records it in the journal', async () => {
      const res = await t
        .scim('post', '/Users')
        .set('X-Request-Id', 'hr-push-42')
        .send(aUser('reqid@example.com'))
        .expect(201);
      expect(res.headers['x-request-id']).toBe('hr-push-42');
      const rows = await t.dataSource.query('SELECT request_id FROM directory_change WHERE object_id = ?', [
        res.body.id,
      ]);
      expect(rows).toEqual([{ request_id: 'hr-push-42' }]);
    });

    it('generates one when none is given', async () => {
      const res = await t.scim('get', '/Users').expect(200);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});
