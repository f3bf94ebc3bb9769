/**
 * Headless Chromium for screenshots: Debian's `chromium` (scripts/ensure-chromium.sh installs it) driven by
 * playwright-core, which downloads no browser of its own. Flags keep it offline and stateless: no GPU, no sandbox (we
 * run as root in CI), no first-run, sync, component updates or background networking, a fresh profile every launch.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const CHROMIUM_PATH = process.env.AUTHDB_CHROMIUM ?? "/usr/bin/chromium";

export async function withPage<T>(html: string, run: (page: import("playwright-core").Page) => Promise<T>): Promise<T> {
  const profile = mkdtempSync(join(tmpdir(), "authdb-chromium-"));
  // A fresh profile directory per launch; playwright takes it as the persistent context's user data dir
  // (it refuses --user-data-dir in args).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    // The page is self-contained; any request it makes would be a bug, so none is allowed out.
    await page.route("**/*", (route) => route.abort());
    await page.setContent(html, { waitUntil: "load" });
    return await run(page);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
