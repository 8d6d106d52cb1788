import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDownloaded, scanDataset } from '../src/index.js';
import { encodeWav, sine } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'dsio-download-'));
const enc = new TextEncoder();
// An ESC-50-shaped archive with a single top-level folder, as the real one has.
const archive = zipSync({
  'ESC-50-master/meta/esc50.csv': enc.encode('filename,fold,target,category,esc10,src_file,take\n1-1-A-0.wav,1,0,dog,True,1,A\n2-2-A-1.wav,2,1,rain,False,2,A\n'),
  'ESC-50-master/audio/1-1-A-0.wav': encodeWav([sine(800, 8000, 300)], 8000, 's16'),
  'ESC-50-master/audio/2-2-A-1.wav': encodeWav([sine(800, 8000, 600)], 8000, 's16'),
});
const sha256 = createHash('sha256').update(archive).digest('hex');
const evil = zipSync({ 'ok.txt': enc.encode('ok'), '../evil.txt': enc.encode('escaped') });
const evilSha = createHash('sha256').update(evil).digest('hex');
let server: Server;
let base = '';
let requests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    if (req.url === '/esc50.zip') res.writeHead(200, { 'content-type': 'application/zip' }).end(archive);
    else if (req.url === '/evil.zip') res.writeHead(200).end(evil);
    else if (req.url === '/garbage.zip') res.writeHead(200).end('not a zip');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(tmp, { recursive: true, force: true });
});

describe('preset download from a local HTTP server', () => {
  it('downloads, verifies sha256, extracts atomically, unwraps the top folder, and then scans', async () => {
    const root = join(tmp, 'esc50');
    const scan = await scanDataset({ kind: 'preset', preset: 'esc50', root, download: { url: `${base}/esc50.zip`, sha256 } });
    expect(scan.problems).toEqual([]);
    expect(scan.items.map((i) => i.label)).toEqual(['dog', 'rain']);
    expect(readFileSync(join(root, 'meta', 'esc50.csv'), 'utf8')).toContain('1-1-A-0.wav');
    expect(readdirSync(tmp).filter((n) => n.includes('.partial-'))).toEqual([]);
    const before = requests;
    expect(await ensureDownloaded(root, { url: `${base}/esc50.zip`, sha256 }, 'meta/esc50.csv')).toEqual({ downloaded: false, root });
    expect(requests).toBe(before); // present data is not fetched again
  });

  it('a checksum mismatch, an HTTP error or a non-zip leaves nothing behind', async () => {
    const root = join(tmp, 'bad');
    await expect(ensureDownloaded(root, { url: `${base}/esc50.zip`, sha256: '0'.repeat(64) })).rejects.toThrow(/sha256 mismatch/);
    await expect(ensureDownloaded(root, { url: `${base}/missing.zip`, sha256 })).rejects.toThrow(/HTTP 404/);
    const garbageSha = createHash('sha256').update('not a zip').digest('hex');
    await expect(ensureDownloaded(root, { url: `${base}/garbage.zip`, sha256: garbageSha })).rejects.toThrow(/not a valid zip/);
    expect(existsSync(root)).toBe(false);
    expect(readdirSync(tmp).filter((n) => n.includes('.partial-'))).toEqual([]);
  });

  it('refuses an archive entry that escapes the target, and never overwrites a non-empty folder lacking the marker', async () => {
    const root = join(tmp, 'evil', 'data');
    await expect(ensureDownloaded(root, { url: `${base}/evil.zip`, sha256: evilSha })).rejects.toThrow(/'..\/evil.txt' escapes/);
    expect(existsSync(join(tmp, 'evil', 'evil.txt'))).toBe(false);
    expect(existsSync(root)).toBe(false);
    const mine = join(tmp, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.txt'), 'keep me');
    await expect(ensureDownloaded(mine, { url: `${base}/esc50.zip`, sha256 }, 'meta/esc50.csv')).rejects.toThrow(/refusing to overwrite/);
    expect(readFileSync(join(mine, 'notes.txt'), 'utf8')).toBe('keep me');
  });
});
