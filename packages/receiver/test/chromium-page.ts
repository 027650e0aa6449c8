import { existsSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';

// The viewer tests' browser: Debian's chromium (`apt-get install chromium`) or the one CHROMIUM_PATH names, driven by
// puppeteer-core (which downloads no browser). Code run in the page is given as strings: the tests are compiled
// without the DOM library.

const CANDIDATES = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The chromium executable, or undefined (then the browser tests skip, saying why once per file). */
export function findChromium(file: string): string | undefined {
  const chromium = CANDIDATES.find((path): path is string => path !== undefined && path !== '' && existsSync(path));
  if (chromium === undefined) console.warn(`${file} skipped: no chromium found (apt-get install chromium, or set CHROMIUM_PATH)`);
  return chromium;
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  const { launch } = await import('puppeteer-core');
  return launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
}

/**
 * A new page (in its own browser context when `isolated`, so no cookie is shared) that records into `problems` any
 * dialog (an XSS payload's alert), page error or request that leaves the receiver at `origin`.
 */
export async function watchedPage(browser: Browser, origin: string, problems: string[], isolated = false): Promise<Page> {
  const page = isolated ? await (await browser.createBrowserContext()).newPage() : await browser.newPage();
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => problems.push(`page error: ${String(error)}`));
  page.on('request', (request) => {
    if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) problems.push(`external request: ${request.url()}`);
  });
  return page;
}
