import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DaemonProcess } from './daemon-process.js';
import { waitFor, type Sandbox } from './sandbox.js';

/** A real `daemon --ui` over a sandbox, and a Chromium page open on its window. */
export interface UiWindow {
  sb: Sandbox;
  daemon: DaemonProcess;
  page: Page;
  url: URL;
  configFile: string;
}

/** Writes the sandbox's config file, starts the built CLI's `daemon --ui` (plus `args`) and opens its address. */
export async function openWindow(browser: Browser, sb: Sandbox, config: Record<string, unknown>, args: string[] = []): Promise<UiWindow> {
  const configFile = path.join(sb.dir, 'config', 'agent-janitor', 'config.json');
  fs.mkdirSync(path.dirname(configFile), { recursive: true });
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  const daemon = DaemonProcess.start(sb, ['--ui', ...args]);
  await daemon.waitFor((e) => e.event === 'ready');
  assert.ok(await waitFor(() => /UI at http/.test(daemon.stderr)), daemon.stderr);
  const url = new URL(/UI at (\S+)/.exec(daemon.stderr)![1]!);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url.href);
  await page.getByTestId('status-line').waitFor();
  return { sb, daemon, page, url, configFile };
}

/** One API call over the bridge with the window's key, as a program would make it. */
export async function callApi(w: Pick<UiWindow, 'url'>, method: string, body: unknown): Promise<Record<string, unknown>> {
  const token = w.url.searchParams.get('token')!;
  const res = await fetch(`${w.url.origin}/api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, `${method}: ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * For a describe block: one Chromium for its tests (launched before, closed after), and every window opened through
 * it stopped (its daemon must exit 0) and its sandbox cleaned up afterwards.
 */
export function windowSuite(): { open(sb: Sandbox, config: Record<string, unknown>, args?: string[]): Promise<UiWindow> } {
  let browser: Browser | undefined;
  const windows: UiWindow[] = [];
  before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
    for (const w of windows) {
      assert.equal(await w.daemon.stop('SIGTERM'), 0);
      await w.sb.cleanup();
    }
  });
  return {
    open: async (sb, config, args = []) => {
      const w = await openWindow(browser!, sb, config, args);
      windows.push(w);
      return w;
    },
  };
}
