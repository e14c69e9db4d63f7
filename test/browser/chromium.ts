// Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, with WebGPU enabled
// and no network beyond the loopback test server.
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

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
