#!/usr/bin/env node
// The architecture as rules (docs/architecture.md, STYLE.md §7), run in CI; exit 1 on any violation:
//   1. imports flow one way between the top-level folders of src/ (LAYERS below);
//   2. the leaves (scim-protocol, mapping's pure folders, common, config, database) import no feature module, and
//      the pure folders import no framework (@nestjs, typeorm, fastify);
//   3. http/ is imported by nobody but the composition root (src/*.ts);
//   4. no file outside a module names one of its tables (SQL or entity), migrations and app.entities.ts aside;
//   5. no import circle between files.
// Specs (`*.spec.ts`) may reach across modules to test them: rules 1-4 hold for the code they test, not for them.
// `checkTree(root)` returns the violations as strings; scripts/check-boundaries.spec.js makes it fail on purpose.
const fs = require('node:fs');
const path = require('node:path');

/** Which top-level folders each may import (besides itself). The composition root (src/*.ts) may import all. */
const LAYERS = {
  http: [
    'auth',
    'directory',
    'mapping',
    'provisioning',
    'audit',
    'scim-protocol',
    'common',
    'config',
    'database',
  ],
  provisioning: ['directory', 'mapping', 'audit', 'scim-protocol', 'common', 'config', 'database'],
  mapping: ['audit', 'scim-protocol', 'common', 'config', 'database'],
  directory: ['audit', 'scim-protocol', 'common', 'config', 'database'],
  auth: ['audit', 'common', 'config', 'database'],
  audit: ['common', 'config', 'database'],
  'scim-protocol': ['common'],
  database: ['common', 'config'],
  config: ['common'],
  common: [],
};

/** Folders that must stay pure: no framework, no I/O library; with the folders (under src/) they may import. */
const PURE = {
  'scim-protocol': ['scim-protocol', 'common'],
  'mapping/expression': ['mapping/expression', 'scim-protocol', 'common'],
  'mapping/scoping': ['mapping/scoping', 'mapping/expression', 'scim-protocol', 'common'],
  'mapping/mapping-set': [
    'mapping/mapping-set',
    'mapping/scoping',
    'mapping/expression',
    'scim-protocol',
    'common',
  ],
  'provisioning/client': ['provisioning/client', 'common'],
  'provisioning/policy': ['provisioning/policy', 'provisioning/client', 'common'],
  'provisioning/secrets': ['provisioning/secrets', 'common'],
  common: ['common'],
};
const FRAMEWORK = /^(@nestjs\/|typeorm$|typeorm\/|fastify$|@fastify\/|mysql2|better-sqlite3)/;

function* sourceFiles(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

/** Module specifiers of a file's imports and re-exports (static, dynamic and `import type` alike). */
function specifiers(text) {
  const out = [];
  const re =
    /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

function resolveRelative(fromFile, spec) {
  const base = path.resolve(path.dirname(fromFile), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    if (candidate.endsWith('.ts') && fs.existsSync(candidate)) return candidate;
  }
  return null;
}

/** Top-level folder of a path relative to src/ (`''` for the composition root files). */
const layerOf = (rel) => (rel.includes('/') ? rel.split('/')[0] : '');
const within = (rel, folder) => rel === folder || rel.startsWith(`${folder}/`);

function checkTree(root) {
  const src = path.join(root, 'src');
  const violations = [];
  const files = [...sourceFiles(src)];
  const graph = new Map();
  const relOf = (abs) => path.relative(src, abs).split(path.sep).join('/');

  // Tables, by the module that declares their entity.
  const tables = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const m = /@Entity\(\s*['"]([a-z_]+)['"]/.exec(text);
    if (m) tables.push({ name: m[1], owner: layerOf(relOf(file)) });
  }

  for (const file of files) {
    const rel = relOf(file);
    const layer = layerOf(rel);
    const text = fs.readFileSync(file, 'utf8');
    const deps = new Set();
    const isSpec = rel.endsWith('.spec.ts');
    for (const spec of specifiers(text)) {
      const pure = Object.keys(PURE).find(
        (folder) => within(path.dirname(rel), folder) || within(rel, folder),
      );
      if (!spec.startsWith('.')) {
        if (pure && !isSpec && FRAMEWORK.test(spec))
          violations.push(`${rel}: imports ${spec}: ${pure}/ is framework-free`);
        continue;
      }
      const target = resolveRelative(file, spec);
      if (!target || !target.startsWith(src)) continue;
      const targetRel = relOf(target);
      const targetLayer = layerOf(targetRel);
      deps.add(target);
      if (isSpec) continue;
      if (pure && !PURE[pure].some((folder) => within(targetRel, folder)))
        violations.push(`${rel}: imports ${targetRel}: ${pure}/ may import only ${PURE[pure].join(', ')}`);
      else if (targetLayer === 'http' && layer !== 'http' && layer !== '')
        violations.push(`${rel}: imports ${targetRel}: only the composition root imports http/`);
      else if (targetLayer === '' && layer !== '')
        violations.push(`${rel}: imports ${targetRel}: nothing imports the composition root`);
      else if (layer !== '' && targetLayer !== layer && !(LAYERS[layer] ?? []).includes(targetLayer))
        violations.push(`${rel}: imports ${targetRel}: ${layer}/ may not depend on ${targetLayer}/`);
    }
    graph.set(file, deps);

    if (isSpec || rel === 'app.entities.ts' || rel.startsWith('database/migrations/')) continue;
    for (const table of tables) {
      if (layer === table.owner) continue;
      if (new RegExp(`['"\`][^'"\`]*\\b${table.name}\\b`).test(text))
        violations.push(`${rel}: names ${table.name}, a table of ${table.owner}/`);
    }
  }

  for (const cycle of cycles(graph)) violations.push(`import circle: ${cycle.map(relOf).join(' -> ')}`);
  return violations;
}

/** Strongly connected components of more than one file (or a file importing itself), by Tarjan's algorithm. */
function cycles(graph) {
  let index = 0;
  const stack = [];
  const on = new Set();
  const idx = new Map();
  const low = new Map();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? new Set()).has(v)) out.push([...scc.reverse(), scc[0]]);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

module.exports = { checkTree };

if (require.main === module) {
  const violations = checkTree(path.join(__dirname, '..'));
  for (const v of violations) console.error(v);
  if (violations.length > 0) {
    console.error(`module boundaries: ${violations.length} violation(s)`);
    process.exit(1);
  }
  console.log('module boundaries: ok');
}
