// Chromium (Debian's, driven by playwright-core) pointed at code-server's workbench.
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchChromium(executablePath: string): Promise<Browser> {
  // Chromium keeps crash reports and caches under XDG folders: keep them out of the user's home.
  const xdg = path.join(os.tmpdir(), 'hive-host-chromium');
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(xdg, 'config'),
    XDG_CACHE_HOME: path.join(xdg, 'cache'),
  };
  return chromium.launch({ executablePath, headless: true, args: chromiumArgs, env, timeout: 60_000 });
}

/** The URL that opens `folder`, optionally with a payload (extension development and tests). */
export function workbenchUrl(base: string, folder: string, payload?: [string, string][]): string {
  let url = `${base}/?folder=${encodeURIComponent(folder)}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/**
 * Loads the workbench and waits until it is drawn. The first load on a cold machine is the slow one
 * (the server compiles nothing, but the browser fetches ~15 MB of scripts), so it is retried.
 */
export async function openWorkbench(
  page: Page,
  url: string,
  opts: { attempts?: number; timeoutMs?: number; log?: (msg: string) => void } = {},
): Promise<void> {
  const attempts = opts.attempts ?? 3;
  const timeout = opts.timeoutMs ?? 60_000;
  let last: unknown;
  for (let i = 1; i <= attempts; i++) {
    try {
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout });
      await page.locator('.monaco-workbench').first().waitFor({ state: 'visible', timeout });
      return;
    } catch (err) {
      last = err;
      opts.log?.(`workbench load ${i}/${attempts} failed: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`the workbench did not load after ${attempts} attempts: ${(last as Error)?.message}`);
}
