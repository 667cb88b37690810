#!/usr/bin/env node
// npm run demo: the gateway on a temporary embedded database, two small demo apps (fake SCIM targets) on localhost,
// joiners, a mover and leavers from scripts/demo-hr.json (Chat provisions only the members of its assigned group:
// a joiner by joining the group, a leaver by leaving it), and what each app received. Runs in well under 30 s.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { loadFakeTarget } = require('./bench/provisioning.bench');

const root = path.join(__dirname, '..');
const ADMIN = 'demo-admin-token-0123456789abcdef';
const SCIM = 'demo-scim-token-0123456789abcdef';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function main() {
  const started = Date.now();
  const hr = JSON.parse(fs.readFileSync(path.join(__dirname, 'demo-hr.json'), 'utf8'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-gw-demo-'));
  const port = await freePort();
  const { startFakeScimTarget } = loadFakeTarget();
  const chat = await startFakeScimTarget({ bearerToken: 'chat-secret-token' });
  const wiki = await startFakeScimTarget({ bearerToken: 'wiki-secret-token' });
  const gw = spawn(process.execPath, [path.join(root, 'dist/src/main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
      BOOTSTRAP_ADMIN_TOKEN: ADMIN,
      BOOTSTRAP_SCIM_TOKEN: SCIM,
      PROVISIONING_POLL_MS: '100',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const call = async (token, method, url, body) => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : {};
  };
  const admin = (m, u, b) => call(ADMIN, m, `/admin/v1${u}`, b);
  const scim = (m, u, b) => call(SCIM, m, `/scim/v2${u}`, b);
  try {
    for (let ready = false; !ready; await sleep(100)) {
      if (gw.exitCode !== null) throw new Error('the gateway did not start (run npm run build first)');
      ready = await fetch(`${base}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
    }
    console.log(`gateway on ${base} (temporary SQLite in ${dataDir})`);

    const chatTarget = await admin('POST', '/targets', {
      name: 'Chat',
      scope: 'assigned',
      baseUrl: chat.url,
      auth: { type: 'bearer', token: 'chat-secret-token' },
      profile: 'entra',
      deprovisionAction: 'disable',
    });
    const wikiTarget = await admin('POST', '/targets', {
      name: 'Engineering wiki',
      scope: 'all',
      baseUrl: wiki.url,
      auth: { type: 'bearer', token: 'wiki-secret-token' },
      profile: 'rfc',
      deprovisionAction: 'delete',
    });
    const wikiMapping = await admin('GET', `/targets/${wikiTarget.id}/mappings`);
    wikiMapping.users.scoping = [
      { clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'Engineering' }] },
    ];
    await admin('PUT', `/targets/${wikiTarget.id}/mappings`, wikiMapping);
    const chatGroup = await scim('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Chat users',
    });
    await admin('POST', `/targets/${chatTarget.id}/assignments`, {
      principalType: 'Group',
      principalId: chatGroup.id,
    });
    console.log(
      'registered Chat (Entra profile, disables leavers, only assigned users: the group "Chat users" is assigned) and\n' +
        'Engineering wiki (RFC profile, deletes leavers, all users in scope: department EQUALS Engineering)\n',
    );

    const ids = new Map();
    console.log('HR pushes the joiners');
    for (const j of hr.joiners) {
      const manager = j.manager ? { value: ids.get(j.manager) } : undefined;
      const user = await scim('POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
        userName: j.userName,
        name: j.name,
        displayName: `${j.name.givenName} ${j.name.familyName}`,
        title: j.title,
        active: true,
        emails: [{ value: j.userName, type: 'work', primary: true }],
        [ENT]: {
          department: j.department,
          employeeNumber: j.employeeNumber,
          ...(manager ? { manager } : {}),
        },
      });
      ids.set(j.employeeNumber, user.id);
    }
    await settle(admin, [chatTarget.id, wikiTarget.id]);

    console.log('HR puts the joiners in the group "Chat users" (joiners in Chat by group membership)');
    await scim('PATCH', `/Groups/${chatGroup.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'add', path: 'members', value: [...ids.values()].map((value) => ({ value })) }],
    });
    await settle(admin, [chatTarget.id, wikiTarget.id]);

    console.log("HR pushes the mover (new title, department Sales: out of the wiki's scope)");
    await scim('PATCH', `/Users/${ids.get(hr.mover.employeeNumber)}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'replace', path: 'title', value: hr.mover.title },
        { op: 'replace', path: `${ENT}:department`, value: hr.mover.department },
      ],
    });
    await settle(admin, [chatTarget.id, wikiTarget.id]);

    console.log('HR takes the mover out of "Chat users" (a leaver in Chat: unassigned)');
    await scim('PATCH', `/Groups/${chatGroup.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'remove', path: `members[value eq "${ids.get(hr.mover.employeeNumber)}"]` }],
    });
    await settle(admin, [chatTarget.id, wikiTarget.id]);

    console.log('HR pushes the leaver (DELETE)\n');
    await scim('DELETE', `/Users/${ids.get(hr.leaver.employeeNumber)}`);
    await settle(admin, [chatTarget.id, wikiTarget.id]);

    for (const [label, app] of [
      ['Chat', chat],
      ['Engineering wiki', wiki],
    ]) {
      console.log(`── what ${label} received ──`);
      for (const r of app.requests) {
        const q = r.query.filter ? `?filter=${r.query.filter}` : '';
        console.log(`  ${r.method} ${r.path}${q} → ${r.status}`);
        if (r.body && r.method !== 'GET') console.log(`      ${JSON.stringify(r.body)}`);
      }
      console.log(
        `  now holds: ${
          app
            .users()
            .map((u) => `${u.userName} (active: ${u.active}, title: ${u.title})`)
            .join('; ') || 'nobody'
        }\n`,
      );
    }
    for (const [label, target] of [
      ['Chat', chatTarget],
      ['the wiki', wikiTarget],
    ]) {
      const logs = await admin('GET', `/provisioning-logs?targetId=${target.id}&limit=20`);
      console.log(`── provisioning log of ${label} (newest first) ──`);
      for (const e of logs.entries)
        console.log(
          `  ${e.action.padEnd(7)} ${e.status.padEnd(8)} ${e.reason ?? ''} ${e.detail ?? ''}`.trimEnd(),
        );
    }
    console.log(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    gw.kill('SIGTERM');
    await Promise.all([chat.close(), wiki.close()]);
    await new Promise((r) => (gw.exitCode !== null ? r() : gw.once('exit', r)));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Waits until both targets have nothing pending. */
async function settle(admin, targetIds) {
  await sleep(300);
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(100)) {
    const states = await Promise.all(targetIds.map((id) => admin('GET', `/targets/${id}/status`)));
    if (states.every((s) => s.pending.objects === 0 && s.pending.journalRowsNotYetQueued === 0)) return;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
