// The boundary check must fail on each kind of violation: a tree is written with one of each and read back.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { checkTree } = require('./check-boundaries');

function tree(files) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'boundaries-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, 'src', file)), { recursive: true });
    fs.writeFileSync(path.join(root, 'src', file), text);
  }
  return root;
}

const CLEAN = {
  'app.module.ts': "import { HttpModule } from './http/http.module';\n",
  'http/http.module.ts': "import { UsersService } from '../directory/users.service';\n",
  'directory/users.service.ts':
    "import { parse } from '../scim-protocol/parse';\nconst sql = 'SELECT * FROM directory_user';\n",
  'directory/user.entity.ts': "@Entity('directory_user')\nexport class DirectoryUser {}\n",
  'scim-protocol/parse.ts': "import { AppError } from '../common/errors';\n",
  'common/errors.ts': 'export class AppError {}\n',
  'provisioning/engine.ts': "import { DirectoryReader } from '../directory/users.service';\n",
};

describe('check-boundaries', () => {
  it('passes a tree that keeps the rules', () => {
    expect(checkTree(tree(CLEAN))).toEqual([]);
  });

  it.each([
    [
      'an import against the layering',
      { 'directory/calls.ts': "import { x } from '../provisioning/engine';\n" },
      /directory\/ may not depend on provisioning\//,
    ],
    [
      'a leaf importing a feature module',
      { 'scim-protocol/bad.ts': "import { x } from '../directory/users.service';\n" },
      /scim-protocol\/ may import only/,
    ],
    [
      'a framework in a pure folder',
      { 'scim-protocol/nest.ts': "import { Injectable } from '@nestjs/common';\n" },
      /framework-free/,
    ],
    [
      'http imported by a module',
      { 'provisioning/uses-http.ts': "import { HttpModule } from '../http/http.module';\n" },
      /only the composition root imports http\//,
    ],
    [
      'a directory table named outside the directory',
      { 'provisioning/reads.ts': "const q = 'SELECT id FROM directory_user WHERE 1';\n" },
      /names directory_user, a table of directory\//,
    ],
    [
      'an import circle',
      { 'common/a.ts': "import { b } from './b';\n", 'common/b.ts': "import type { a } from './a';\n" },
      /import circle: common\/a.ts -> common\/b.ts -> common\/a.ts|import circle: common\/b.ts -> common\/a.ts -> common\/b.ts/,
    ],
  ])('fails on %s', (_name, files, message) => {
    const violations = checkTree(tree({ ...CLEAN, ...files }));
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(message);
  });

  it('passes this repository', () => {
    expect(checkTree(path.join(__dirname, '..'))).toEqual([]);
  });
});
