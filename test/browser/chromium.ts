// Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, with WebGPU enabled
// and no network beyond the loopback test server.
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { serve } from './server.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const why = `no Chromium at ${CHROMIUM} (Debian: apt-get install chromium; or set CHROMIUM_PATH)`;
  // CI installs it: there its absence is a failure, not a reason to skip.
  if (process.env.CI) throw new Error(why);
  return why;
}

export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--headless=new', '--disable-gpu-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan',
      '--use-angle=swiftshader', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-quic', '--no-first-run', '--disable-dev-shm-usage',
    ],
  });
}

/**
 * For a describe block: before its tests, serve `root` (and `mounts`, as serve() takes them) on
 * the loopback and launch Chromium; after them, close both. The fields are set in beforeAll.
 */
export function useChromium(root: string, mounts: Record<string, string> = {}): { browser: Browser; url: string } {
  const env = {} as { browser: Browser; url: string };
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  beforeAll(async () => {
    server = await serve(root, mounts);
    env.url = server.url;
    env.browser = await launch();
  });
  afterAll(async () => {
    await env.browser?.close();
    await server?.close();
  });
  return env;
}
