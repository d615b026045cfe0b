import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};

describe('runtime', () => {
  it('runs on a Node that package.json engines accept (>= 22), the one the suite is meant for', () => {
    const minimum = Number(/^>=(\d+)$/.exec(pkg.engines.node)?.[1]);
    expect(minimum).toBe(22);
    const major = Number(process.versions.node.split('.')[0]);
    expect(major).toBeGreaterThanOrEqual(minimum);
    // `npm test` runs on the pinned `node` devDependency (`npm run test:node22` on Node 22 via npx).
    if (process.env['npm_lifecycle_event'] === 'test') {
      expect(String(major)).toBe(pkg.devDependencies['node']?.split('.')[0]);
    }
  });
});
