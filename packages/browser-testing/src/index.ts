// Real Chromium (Debian's, through playwright-core) against a folder served on localhost.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import sirv from 'sirv';

export const CHROMIUM = process.env.EARSHOT_CHROMIUM ?? '/usr/bin/chromium';
/** CI sets EARSHOT_REQUIRE_BROWSER=1: a missing Chromium fails the browser tests instead of skipping them. */
export const browserAvailable = existsSync(CHROMIUM) || process.env.EARSHOT_REQUIRE_BROWSER === '1';

/** Where tests leave files for people to look at (screenshots). */
export const ARTIFACTS_DIR = process.env.EARSHOT_ARTIFACTS_DIR ?? fileURLToPath(new URL('../../../artifacts/', import.meta.url));

export async function artifactPath(name: string): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}

/** Headless Chromium; `args` adds switches (e.g. the fake microphone's). */
export function launchChromium(args: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', ...args] });
}

/** Serves `dir` on 127.0.0.1 at a free port, as any static file server would (no caching, no SPA fallback). */
export async function serveStatic(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const handler = sirv(dir, { dev: true, etag: false });
  const server: Server = createServer((req, res) =>
    handler(req, res, () => {
      res.statusCode = 404;
      res.end('not found');
    }),
  );
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Cuts the context off from everything but localhost: any other request is aborted and recorded,
 * so a test can assert that the page asked for nothing outside.
 */
export async function localhostOnly(context: BrowserContext): Promise<string[]> {
  const outside: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const local = url.protocol === 'data:' || url.protocol === 'blob:' || LOCAL_HOSTS.has(url.hostname);
    if (local) return route.continue();
    outside.push(url.href);
    return route.abort('internetdisconnected');
  });
  return outside;
}

export type { Browser, BrowserContext, Page } from 'playwright-core';
