/** One headless Chromium per test file: Debian's /usr/bin/chromium when present, else @sparticuz/chromium. */
import fs from 'node:fs';
import { chromium as playwright, type Browser } from 'playwright-core';

let shared: Promise<Browser> | null = null;

export async function browser(): Promise<Browser> {
  shared ??= (async () => {
    if (fs.existsSync('/usr/bin/chromium')) {
      return playwright.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    }
    const { default: chromium } = await import('@sparticuz/chromium');
    return playwright.launch({ executablePath: await chromium.executablePath(), args: chromium.args, headless: true });
  })();
  return shared;
}

export async function closeBrowser(): Promise<void> {
  if (!shared) return;
  const b = await shared;
  shared = null;
  await b.close();
}
