import { describe, expect, it } from 'vitest';
import { browserRequired, findChromium } from './chromium.js';

const only =
  (...present: string[]) =>
  (path: string) =>
    present.includes(path);

describe('findChromium', () => {
  it('prefers CHROME_PATH, then CHROMIUM_PATH, then the usual locations', () => {
    const all = only('/opt/chrome', '/opt/chromium', '/usr/bin/chromium');
    expect(
      findChromium({ CHROME_PATH: '/opt/chrome', CHROMIUM_PATH: '/opt/chromium' }, 'linux', all),
    ).toEqual({
      found: true,
      path: '/opt/chrome',
    });
    expect(findChromium({ CHROMIUM_PATH: '/opt/chromium' }, 'linux', all)).toEqual({
      found: true,
      path: '/opt/chromium',
    });
    expect(findChromium({}, 'linux', all)).toEqual({ found: true, path: '/usr/bin/chromium' });
    expect(
      findChromium(
        {},
        'darwin',
        only('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'),
      ),
    ).toMatchObject({ found: true });
  });

  it('reports a variable naming a missing file instead of falling back', () => {
    const lookup = findChromium({ CHROME_PATH: '/nope' }, 'linux', only('/usr/bin/chromium'));
    expect(lookup).toEqual({ found: false, reason: 'CHROME_PATH=/nope does not exist' });
  });

  it('says where it looked when there is no browser', () => {
    const lookup = findChromium({ CHROME_PATH: '' }, 'linux', only());
    expect(lookup.found).toBe(false);
    expect(!lookup.found && lookup.reason).toMatch(/no Chromium found .*CHROME_PATH/);
    expect(findChromium({}, 'aix', only('/usr/bin/chromium')).found).toBe(false);
  });
});

describe('browserRequired', () => {
  it('is on for 1 or true and off when unset, empty, 0 or false', () => {
    expect(browserRequired({ ZETA_REQUIRE_BROWSER: '1' })).toBe(true);
    expect(browserRequired({ ZETA_REQUIRE_BROWSER: 'true' })).toBe(true);
    for (const value of [undefined, '', '0', 'false']) {
      expect(browserRequired(value === undefined ? {} : { ZETA_REQUIRE_BROWSER: value })).toBe(
        false,
      );
    }
  });
});
