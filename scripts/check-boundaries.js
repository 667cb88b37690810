#!/usr/bin/env node
// Architecture rules as code (STYLE.md §7, DESIGN.md §2): pure folders import no framework, and the
// directory never calls provisioning (the change journal is the hand-off).
const fs = require('node:fs');
const path = require('node:path');

const rules = [
  {
    folders: [
      'src/scim/protocol',
      'src/mapping/expression',
      'src/mapping/scoping',
      'src/mapping/mapping-set',
      'src/provisioning/client',
      'src/provisioning/policy',
      'src/provisioning/secrets',
      'src/provisioning/sync',
    ],
    forbidden: /from ['"](@nestjs\/|typeorm|fastify|@fastify\/)/,
    why: 'framework-free folder',
  },
  {
    folders: ['src/directory'],
    forbidden: /from ['"](\.\.\/)+(provisioning|admin|mapping|scim\/(?!protocol))/,
    why: 'directory is core: it never imports provisioning, admin, mapping or the SCIM surface (scim/protocol, the pure library, is fine)',
  },
];

function* files(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

let violations = 0;
for (const rule of rules) {
  for (const folder of rule.folders) {
    for (const file of files(folder)) {
      fs.readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (rule.forbidden.test(line)) {
            console.error(`${file}:${i + 1}: ${rule.why}: ${line.trim()}`);
            violations++;
          }
        });
    }
  }
}
if (violations > 0) process.exit(1);
console.log('module boundaries: ok');
