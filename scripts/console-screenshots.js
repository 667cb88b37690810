#!/usr/bin/env node
// npm run docs:screenshots: the README's pictures of the web console, docs/console-overview.png and
// docs/console-log-entry.png, at 1280×800 in Debian's Chromium (CHROMIUM_PATH names another). Starts the built gateway
// (dist/; built first unless CONSOLE_SCREENSHOTS_NO_BUILD=1) on a fresh SQLite database and three fake SCIM targets,
// hires a few people in waves over a minute (so that the overview's chart has more than one bar), moves one of them,
// then photographs the overview and that move's log entry on its Modified properties tab.
// Plain Node cannot load the browser tests' TypeScript helpers (test/browser/support/): this uses the benchmark's
// gateway starter and fake target loader instead (scripts/bench/), which do the same in JavaScript.
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { startGateway } = require('./bench/gateway-process');
const { api, loadFakeTarget } = require('./bench/provisioning.bench');

const root = path.join(__dirname, '..');
const docs = path.join(root, 'docs');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PEOPLE = [
  ['Ada', 'Lovelace', 'Engineering'],
  ['Grace', 'Hopper', 'Engineering'],
  ['Katherine', 'Johnson', 'Research'],
  ['Alan', 'Turing', 'Research'],
  ['Margaret', 'Hamilton', 'Engineering'],
  ['Edsger', 'Dijkstra', 'Research'],
  ['Barbara', 'Liskov', 'Engineering'],
  ['Donald', 'Knuth', 'Research'],
  ['Frances', 'Allen', 'Finance'],
  ['John', 'Backus', 'Finance'],
  ['Radia', 'Perlman', 'Operations'],
  ['Ken', 'Thompson', 'Operations'],
];

function person([given, family, department], i) {
  const userName = `${given}.${family}@example.com`.toLowerCase();
  return {
    schemas: [USER, ENTERPRISE],
    userName,
    externalId: `W${1000 + i}`,
    active: true,
    name: { givenName: given, familyName: family },
    displayName: `${given} ${family}`,
    title: 'Engineer',
    emails: [{ value: userName, type: 'work', primary: true }],
    [ENTERPRISE]: { employeeNumber: String(1000 + i), department },
  };
}

async function until(what, probe, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function main() {
  if (process.env.CONSOLE_SCREENSHOTS_NO_BUILD !== '1') {
    console.log('building…');
    execSync('npm run --silent build', { cwd: root, stdio: 'inherit' });
  }
  const { startFakeScimTarget } = loadFakeTarget();
  const apps = {
    crm: await startFakeScimTarget({ bearerToken: 'crm-token-0123456789' }),
    wiki: await startFakeScimTarget({ bearerToken: 'wiki-token-0123456789' }),
    helpdesk: await startFakeScimTarget({ bearerToken: 'helpdesk-token-0123456789' }),
  };
  // The help desk refuses its first three hires (out of licences): failures in its chart and log.
  apps.helpdesk.failNext(
    3,
    { status: 400, body: { detail: 'no licence left for a new agent' } },
    { method: 'POST', path: '/Users' },
  );
  const gw = await startGateway('sqlite', { PROVISIONING_POLL_MS: '50' });
  const { chromium } = require('@playwright/test');
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: asRoot ? ['--no-sandbox'] : [],
  });
  try {
    const ids = {};
    for (const [name, app] of Object.entries(apps)) {
      const t = await api(gw, 'POST', '/admin/v1/targets', {
        name,
        baseUrl: app.url,
        auth: { type: 'bearer', token: `${name}-token-0123456789` },
        scope: 'all',
      });
      ids[name] = t.id;
    }
    // Hires in four waves, 20 s apart: bars in two or more minutes of the chart.
    const users = [];
    for (let wave = 0; wave < 4; wave++) {
      for (let i = wave * 3; i < wave * 3 + 3; i++) {
        const created = await api(gw, 'POST', '/scim/v2/Users', person(PEOPLE[i], i));
        users.push(created);
      }
      console.log(`screenshots: wave ${wave + 1} of 4 hired`);
      if (wave < 3) await sleep(20_000);
    }
    await until('every hire in the CRM', () => apps.crm.users().length === PEOPLE.length);
    // A mover: Grace Hopper becomes a manager in Research.
    const grace = users[1];
    await api(gw, 'PATCH', `/scim/v2/Users/${grace.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'replace', path: 'title', value: 'Engineering Manager' },
        { op: 'replace', path: `${ENTERPRISE}:department`, value: 'Research' },
      ],
    });
    let update;
    await until('the update of Grace Hopper in the CRM', async () => {
      const { entries } = await api(
        gw,
        'GET',
        `/admin/v1/provisioning-logs?targetId=${ids.crm}&objectId=${grace.id}&action=Update`,
      );
      update = entries[0];
      return !!update;
    });
    // The wiki is paused by an operator: the overview shows a state other than Active.
    await api(gw, 'POST', `/admin/v1/targets/${ids.wiki}/pause`);

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${gw.base}/console`);
    await page.getByLabel('Admin token').fill(gw.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('deliveries-summary').nth(2).waitFor();
    await page.waitForTimeout(2500);
    fs.mkdirSync(docs, { recursive: true });
    await page.screenshot({ path: path.join(docs, 'console-overview.png') });

    await page.goto(`${gw.base}/console/logs?targetId=${ids.crm}&entry=${update.id}`);
    const detail = page.getByRole('region', { name: /Update/ });
    await detail.getByRole('tab', { name: 'Modified properties' }).click();
    await detail.getByRole('row', { name: /title/ }).waitFor();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(docs, 'console-log-entry.png') });
    console.log('screenshots: wrote docs/console-overview.png and docs/console-log-entry.png');
  } finally {
    await browser.close();
    await gw.stop();
    for (const app of Object.values(apps)) await app.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
