// Three projects: unit specs beside the code, the repository's own tools (scripts/), and e2e specs on a real
// database through real HTTP.
// @swc/jest transpiles only (fast on two cores); `npm run typecheck` is the type gate.
const transform = { '^.+\\.ts$': ['@swc/jest'] };
module.exports = {
  // For every test that names no timeout of its own (most e2e tests). Here, not in a project: Jest reads a project's
  // `testTimeout` without applying it (its tests then stopped at the default 5 s).
  testTimeout: 30000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      roots: ['<rootDir>/src'],
      testMatch: ['**/*.spec.ts'],
    },
    {
      displayName: 'scripts',
      testEnvironment: 'node',
      roots: ['<rootDir>/scripts'],
      testMatch: ['**/*.spec.js'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
  ],
};
