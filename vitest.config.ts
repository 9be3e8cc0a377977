import { defineConfig } from 'vitest/config';

// One runner for every package. Each package is a project, so
// `npx vitest run --project sip-server` runs one package alone.
const packages = [
  ['shared', 'libs/shared'],
  ['testkit', 'libs/testkit'],
  ['sip-server', 'services/sip-server'],
  ['registrar', 'services/registrar'],
  ['call-router', 'services/call-router'],
  ['media-controller', 'services/media-controller'],
  ['hook-dispatcher', 'services/hook-dispatcher'],
  ['hooks-app', 'examples/hooks-app'],
  ['deploy', 'deploy'],
] as const;

export default defineConfig({
  test: {
    passWithNoTests: true,
    projects: [
      ...packages.map(([name, dir]) => ({
        extends: true as const,
        test: {
          name,
          root: dir,
          include: ['test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      })),
      {
        extends: true as const,
        test: { name: 'e2e', root: 'test/e2e', include: ['**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
      },
      {
        extends: true as const,
        test: { name: 'interop', root: 'test/interop', include: ['**/*.test.ts'], testTimeout: 60_000, hookTimeout: 240_000 },
      },
    ],
  },
});
