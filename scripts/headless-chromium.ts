import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's chromium package; playwright-core drives it (it downloads no browser of its own). */
export const chromiumBinary = process.env.MESHGATE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags for a quiet, offline headless run: no GPU, no QUIC, no first-run pages,
 * no background traffic (updates, sync, component downloads), so a page that
 * reaches for the network shows it as a failed request, not as noise.
 */
const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A headless Chromium with a fresh profile; `close` ends the browser and removes the profile. */
export async function openChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!existsSync(chromiumBinary)) throw new Error(`no Chromium at ${chromiumBinary}: apt-get install chromium (or set MESHGATE_CHROMIUM)`);
  const profile = await mkdtemp(join(tmpdir(), 'meshgate-chromium-'));
  // playwright passes the profile as --user-data-dir; it refuses that flag in `args`.
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumBinary, headless: true, args: flags, timeout: 60_000 });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
