import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { startReceiver, type Receiver, type ReceiverOptions } from '../src/index.js';

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

/** A describe block's browser and receiver (set before its tests run) and what its pages must not do. */
export interface ViewerBrowser {
  browser: Browser;
  receiver: Receiver;
  /** Dialogs, page errors and external requests seen by any page (see watchedPage); none allowed. */
  problems: string[];
  /**
   * A page at `path`. `bypassCsp` for the XSS tests: the page's Content-Security-Policy would block an injected inline
   * handler anyway, so they turn it off to test that the page never builds markup from data.
   */
  open(path: string, bypassCsp?: boolean): Promise<Page>;
}

/**
 * Launches `chromium` and starts a receiver (with `options`, then `prepare`) before the describe block's tests, closes
 * both after them, and fails the block if any page recorded a problem.
 */
export function useViewerBrowser(chromium: string, options: ReceiverOptions = {}, prepare?: (receiver: Receiver) => Promise<void>): ViewerBrowser {
  const bed = {
    problems: [] as string[],
    async open(path: string, bypassCsp = false): Promise<Page> {
      const page = await watchedPage(bed.browser, bed.receiver.url, bed.problems);
      if (bypassCsp) await page.setBypassCSP(true);
      await page.goto(`${bed.receiver.url}${path}`);
      return page;
    },
  } as ViewerBrowser;
  beforeAll(async () => {
    bed.browser = await launchChromium(chromium);
    bed.receiver = await startReceiver(options);
    await prepare?.(bed.receiver);
  }, 60_000);
  afterAll(async () => {
    await bed.browser?.close();
    await bed.receiver?.close();
    expect(bed.problems).toEqual([]);
  });
  return bed;
}
