// Shared helpers for the browser tests: launch Debian's chromium through playwright-core.
// (Never `npx playwright install`: browser downloads are not reachable; we use /usr/bin/chromium.)
import fs from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/**
 * Launch chromium. playwright-core's chromium.launch() refuses an explicit --user-data-dir; it
 * always gives the browser a fresh temporary profile of its own and deletes it on close, which is
 * exactly what we want.
 */
export async function launch() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: run scripts/ensure-tools.sh test (apt-get install -y chromium)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
