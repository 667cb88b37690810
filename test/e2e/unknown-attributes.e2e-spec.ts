import { startTestApp, TestApp } from '../support/test-app';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const HR_URN = 'urn:acme:hr:1.0:User';
/** Every value an HR system sends that no schema defines carries this, so the store can be searched for it. */
const EXTRA = 'hr-only';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A user as an HR system with fields of its own sends it: every kind of unknown attribute once. */
function hrUser(userName: string): Record<string, unknown> {
  return {
    schemas: [USER, ENTERPRISE, HR_URN],
    userName,
    externalId: userName,
    costCentreCode: `${EXTRA}-top`,
    name: { givenName: 'Ada', familyName: 'Lovelace', nickname2: `${EXTRA}-sub` },
    emails: [{ value: `${userName}@example.com`, type: 'work', label: `${EXTRA}-item` }],
    [ENTERPRISE]: { department: 'Engines', badgeColour: `${EXTRA}-ext` },
    [HR_URN]: { shoeSize: `${EXTRA}-block` },
  };
}

/** Tokens choose what happens to attributes no schema defines: 400 (the default), or dropped. */
describe('unknown attributes, per token', () => {
  let t: TestApp;
  let ignoring: { id: string; token: string };

  beforeAll(async () => {
    t = await startTestApp();
    const issued = await t
      .admin('post', '/tokens')
      .send({ name: 'hr-extra-fields', scopes: ['scim'], unknownAttributes: 'ignore' })
      .expect(201);
    ignoring = issued.body as { id: string; token: string };
  });
  afterAll(() => t?.close());

  const as = (secret: string) => (method: Method, url: string) =>
    t.http[method](`/scim/v2${url}`).set('Authorization', `Bearer ${secret}`);
  const lenient = (method: Method, url: string) => as(ignoring.token)(method, url);
  const storedDoc = async (id: string): Promise<string> => {
    const [row] = await t.dataSource.query('SELECT doc FROM directory_user WHERE id = ?', [id]);
    return (row as { doc: string }).doc;
  };
  const userCount = async () =>
    Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM directory_user'))[0].n);

  describe('the token setting', () => {
    it('defaults to reject, is shown in the admin representation, and refuses other values naming the field', async () => {
      const plain = await t
        .admin('post', '/tokens')
        .send({ name: 'plain', scopes: ['scim'] })
        .expect(201);
      expect(plain.body.unknownAttributes).toBe('reject');
      const listed = (await t.admin('get', '/tokens').expect(200)).body as {
        id: string;
        unknownAttributes: string;
      }[];
      expect(listed.find((x) => x.id === ignoring.id)?.unknownAttributes).toBe('ignore');
      expect(listed.find((x) => x.id === plain.body.id)?.unknownAttributes).toBe('reject');
      for (const value of ['drop', null, true]) {
        const created = await t
          .admin('post', '/tokens')
          .send({ name: 'bad', scopes: ['scim'], unknownAttributes: value })
          .expect(400);
        expect(JSON.stringify(created.body.message)).toMatch(/unknownAttributes must be one of/);
        const changed = await t
          .admin('patch', `/tokens/${plain.body.id}`)
          .send({ unknownAttributes: value })
          .expect(400);
        expect(JSON.stringify(changed.body.message)).toMatch(/unknownAttributes must be one of/);
      }
    });

    it('takes effect at once when changed, both ways', async () => {
      const issued = await t
        .admin('post', '/tokens')
        .send({ name: 'switch', scopes: ['scim'] })
        .expect(201);
      const scim = as(issued.body.token as string);
      await scim('post', '/Users').send(hrUser('switch-1')).expect(400);
      const changed = await t
        .admin('patch', `/tokens/${issued.body.id}`)
        .send({ unknownAttributes: 'ignore' })
        .expect(200);
      expect(changed.body.unknownAttributes).toBe('ignore');
      await scim('post', '/Users').send(hrUser('switch-1')).expect(201);
      await t.admin('patch', `/tokens/${issued.body.id}`).send({ unknownAttributes: 'reject' }).expect(200);
      await scim('post', '/Users').send(hrUser('switch-2')).expect(400);
      // Other settings changed alone leave it as it is.
      const other = await t
        .admin('patch', `/tokens/${ignoring.id}`)
        .send({ rateLimitPerMinute: null })
        .expect(200);
      expect(other.body.unknownAttributes).toBe('ignore');
    });
  });

  describe('reject (the default)', () => {
    it('refuses a POST with 400 naming the attribute, and stores nothing', async () => {
      const before = await userCount();
      const res = await t.scim('post', '/Users').send(hrUser('strict-1')).expect(400);
      expect(res.body).toMatchObject({
        scimType: 'invalidSyntax',
        detail: "Unknown attribute 'costCentreCode'",
      });
      const nested = await t
        .scim('post', '/Users')
        .send({ schemas: [USER], userName: 'strict-1', name: { givenName: 'Ada', nickname2: EXTRA } })
        .expect(400);
      expect(nested.body.detail).toBe("Unknown attribute 'name.nickname2'");
      expect(nested.body.detail).not.toContain(EXTRA);
      expect(await userCount()).toBe(before);
    });

    it('refuses a PUT and a PATCH naming the attribute, and leaves the stored user unchanged', async () => {
      const created = await t
        .scim('post', '/Users')
        .send({ schemas: [USER], userName: 'strict-2' })
        .expect(201);
      const id = created.body.id as string;
      const before = await storedDoc(id);
      const put = await t
        .scim('put', `/Users/${id}`)
        .send({ schemas: [USER], userName: 'strict-2', [ENTERPRISE]: { badgeColour: `${EXTRA}-x` } })
        .expect(400);
      expect(put.body.detail).toContain(`'${ENTERPRISE}:badgeColour'`);
      const patch = await t
        .scim('patch', `/Users/${id}`)
        .send({ schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'costCentreCode', value: EXTRA }] })
        .expect(400);
      expect(patch.body).toMatchObject({ scimType: 'invalidPath' });
      expect(patch.body.detail).toContain("'costCentreCode'");
      expect(await storedDoc(id)).toBe(before);
    });
  });

  describe('ignore', () => {
    it('creates a user without any unknown attribute, in the response or in the store', async () => {
      const res = await lenient('post', '/Users').send(hrUser('lenient-1')).expect(201);
      expect(JSON.stringify(res.body)).not.toContain(EXTRA);
      expect(res.body).toMatchObject({
        schemas: [USER, ENTERPRISE],
        userName: 'lenient-1',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        emails: [{ value: 'lenient-1@example.com', type: 'work' }],
        [ENTERPRISE]: { department: 'Engines' },
      });
      expect(res.body).not.toHaveProperty(HR_URN);
      const doc = await storedDoc(res.body.id as string);
      expect(doc).not.toContain(EXTRA);
      expect(doc).not.toContain(HR_URN);
      const read = await lenient('get', `/Users/${res.body.id}`).expect(200);
      expect(read.body.name).toEqual({ givenName: 'Ada', familyName: 'Lovelace' });
    });

    it('replaces with PUT and patches with PATCH, applying the known and dropping the unknown', async () => {
      const created = await lenient('post', '/Users').send(hrUser('lenient-2')).expect(201);
      const id = created.body.id as string;
      const put = await lenient('put', `/Users/${id}`)
        .send({ ...hrUser('lenient-2'), title: 'Analyst' })
        .expect(200);
      expect(put.body.title).toBe('Analyst');
      const patched = await lenient('patch', `/Users/${id}`)
        .send({
          schemas: [PATCH_OP],
          Operations: [
            { op: 'add', path: 'costCentreCode', value: `${EXTRA}-1` },
            { op: 'replace', path: `${ENTERPRISE}:badgeColour`, value: `${EXTRA}-2` },
            { op: 'replace', path: `${HR_URN}:shoeSize`, value: `${EXTRA}-3` },
            { op: 'replace', path: 'name', value: { nickname2: `${EXTRA}-4` } },
            { op: 'replace', value: { title: 'Engineer', favouriteColour: `${EXTRA}-5` } },
          ],
        })
        .expect(200);
      expect(patched.body.title).toBe('Engineer');
      expect(patched.body.name).toEqual({ givenName: 'Ada', familyName: 'Lovelace' });
      expect(JSON.stringify(patched.body)).not.toContain(EXTRA);
      expect(await storedDoc(id)).not.toContain(EXTRA);
      // Only unknown paths: a 200 that changes nothing.
      const version = patched.body.meta.version as string;
      const nothing = await lenient('patch', `/Users/${id}`)
        .send({ schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'costCentreCode', value: EXTRA }] })
        .expect(200);
      expect(nothing.body.meta.version).toBe(version);
    });

    it('drops unknown member sub-attributes of a group', async () => {
      const member = await lenient('post', '/Users')
        .send({ schemas: [USER], userName: 'lenient-3' })
        .expect(201);
      const group = await lenient('post', '/Groups')
        .send({
          schemas: [GROUP],
          displayName: 'Lenient group',
          orgUnitCode: EXTRA,
          members: [{ value: member.body.id, role: EXTRA }],
        })
        .expect(201);
      expect(group.body.members.map((m: { value: string }) => m.value)).toEqual([member.body.id]);
      expect(JSON.stringify(group.body)).not.toContain(EXTRA);
    });

    it('still refuses a filter naming an unknown attribute: a filter is a question, not data', async () => {
      const list = await lenient('get', '/Users').query({ filter: 'costCentreCode eq "x"' }).expect(400);
      expect(list.body.scimType).toBe('invalidFilter');
      expect(list.body.detail).toContain('costCentreCode');
      const user = await lenient('post', '/Users')
        .send({ schemas: [USER], userName: 'asker' })
        .expect(201);
      const patch = await lenient('patch', `/Users/${user.body.id}`)
        .send({ schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'emails[label eq "x"]' }] })
        .expect(400);
      expect(patch.body.scimType).toBe('invalidPath');
    });

    it('drops unknown attributes inside /Bulk operations, per the token', async () => {
      const created = await lenient('post', '/Users')
        .send({ schemas: [USER], userName: 'lenient-4' })
        .expect(201);
      const body = {
        schemas: [BULK],
        Operations: [
          { method: 'POST', bulkId: 'u5', path: '/Users', data: hrUser('lenient-5') },
          {
            method: 'PATCH',
            path: `/Users/${created.body.id}`,
            data: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'costCentreCode', value: EXTRA }] },
          },
        ],
      };
      const res = await lenient('post', '/Bulk').send(body).expect(200);
      const ops = res.body.Operations as { status: string; location: string }[];
      expect(ops.map((o) => o.status)).toEqual(['201', '200']);
      expect(await storedDoc(ops[0].location.split('/').pop()!)).not.toContain(EXTRA);
      // The same request with a rejecting token: each operation answered 400, naming the attribute.
      const strict = await t.scim('post', '/Bulk').send(body).expect(200);
      const refused = strict.body.Operations as { status: string; response: { detail: string } }[];
      expect(refused.map((o) => o.status)).toEqual(['400', '400']);
      expect(refused[0].response.detail).toBe("Unknown attribute 'costCentreCode'");
    });

    it('drops unknown attributes in /bulkUpload records, per the submitting token', async () => {
      const upload = (scim: (m: Method, u: string) => ReturnType<TestApp['scim']>, userName: string) =>
        scim('post', '/bulkUpload?sync=true')
          .set('Content-Type', 'application/scim+json')
          .send(
            JSON.stringify({
              schemas: [BULK],
              Operations: [{ method: 'POST', bulkId: userName, path: '/Users', data: hrUser(userName) }],
            }),
          )
          .expect(200);
      const accepted = await upload(lenient, 'upload-1');
      expect(accepted.body.records[0]).toMatchObject({ status: 'created', reason: null });
      expect(await storedDoc(accepted.body.records[0].userId as string)).not.toContain(EXTRA);
      const refused = await upload(t.scim, 'upload-2');
      expect(refused.body.records[0]).toMatchObject({
        status: 'failed',
        reason: "Unknown attribute 'costCentreCode'",
      });
    });
  });
});
