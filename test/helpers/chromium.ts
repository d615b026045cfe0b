import { existsSync } from 'node:fs';

/**
 * Set to `1` (CI does) to make a missing browser fail the browser tests instead of skipping them.
 */
export const REQUIRE_BROWSER_VARIABLE = 'ZETA_REQUIRE_BROWSER';

/** Variables that name a Chromium or Chrome executable, read in this order. */
const PATH_VARIABLES = ['CHROME_PATH', 'CHROMIUM_PATH'] as const;

/** Where Chromium and Chrome are usually installed, per platform. */
const USUAL_LOCATIONS: Readonly<Partial<Record<NodeJS.Platform, readonly string[]>>> = {
  linux: [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium',
  ],
  darwin: [
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  ],
  win32: [
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files\\Chromium\\Application\\chrome.exe',
  ],
};

/** The outcome of looking for a browser: its path, or why none was taken. */
export type ChromiumLookup =
  | { readonly found: true; readonly path: string }
  | { readonly found: false; readonly reason: string };

/**
 * Finds a Chromium for the browser tests: `CHROME_PATH`, then `CHROMIUM_PATH`, then the usual
 * install locations of the platform. A variable that names a missing file is an error, not a
 * fallback, so a typo is not silently replaced by another browser.
 */
export function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  exists: (path: string) => boolean = existsSync,
): ChromiumLookup {
  for (const name of PATH_VARIABLES) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (exists(value)) return { found: true, path: value };
    return { found: false, reason: `${name}=${value} does not exist` };
  }
  const candidates = USUAL_LOCATIONS[platform] ?? [];
  for (const path of candidates) if (exists(path)) return { found: true, path };
  return {
    found: false,
    reason:
      `no Chromium found (looked at ${PATH_VARIABLES.join(', ')} and ${candidates.length} usual ` +
      `locations); set CHROME_PATH to run it, e.g. after \`apt-get install chromium\``,
  };
}

/** Whether a missing browser must fail the test (`ZETA_REQUIRE_BROWSER=1`, set by CI). */
export function browserRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[REQUIRE_BROWSER_VARIABLE];
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}
