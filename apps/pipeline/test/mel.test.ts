import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { decodeNpy } from '@earshot/features-mel';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.js';

const golden = fileURLToPath(new URL('../../../../shared/reference/librosa-0.11.0/', import.meta.url));
let out: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'earshot-mel-'));
});
afterEach(() => vi.restoreAllMocks());
afterAll(() => rm(out, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const code = await main(args);
  vi.restoreAllMocks();
  return { code, stderr };
}

async function npy(path: string) {
  return decodeNpy(new Uint8Array(await readFile(path)), path);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe.skipIf(!existsSync(golden))('mel subcommand vs librosa 0.11 goldens', () => {
  for (const name of ['a_sine440', 'b_noise']) {
    it(`writes D (power_to_db ref=max) of ${name} within 1e-3 dB`, async () => {
      const file = join(out, `${name}.npy`);
      expect((await cli(['mel', join(golden, `${name}.wav`), '--out', file])).code).toBe(0);
      const [ours, ref] = [await npy(file), await npy(join(golden, `${name}_D.npy`))];
      expect(ours.dtype).toBe('<f4');
      expect(ours.shape).toEqual(ref.shape);
      expect(maxAbsDiff(ours.data, ref.data)).toBeLessThanOrEqual(1e-3);
    });
  }

  it('--res-type soxr_hq gives librosa\'s D of an 8 kHz clip; speex comes close', async () => {
    const ref = await npy(join(golden, 'd_7_jackson_32_D.npy'));
    const meanAbs = (a: Float32Array) => a.reduce((s, v, i) => s + Math.abs(v - ref.data[i]!), 0) / a.length;
    const run = async (resType: string) => {
      const file = join(out, `jackson-${resType}.npy`);
      expect((await cli(['mel', join(golden, 'd_7_jackson_32.wav'), '--out', file, '--res-type', resType])).code).toBe(0);
      return (await npy(file)).data;
    };
    expect(meanAbs(await run('soxr_hq'))).toBeLessThan(1e-5);
    const speex = meanAbs(await run('speex'));
    expect(speex).toBeGreaterThan(1e-3);
    expect(speex).toBeLessThan(0.1); // over every bin, the quiet ones included
  });

  it('soxr_hq without the native addon (EARSHOT_NATIVE=0) runs in WebAssembly and writes the same bytes', async () => {
    // Child processes: the addon is loaded once per process, and EARSHOT_NATIVE=0 stands for "not built".
    const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    const write = async (env: Record<string, string>, name: string) => {
      const file = join(out, name);
      const child = spawnSync(process.execPath, [bin, 'mel', join(golden, 'd_7_jackson_32.wav'), '--out', file, '--res-type', 'soxr_hq'], { encoding: 'utf8', env: { ...process.env, ...env } });
      expect(child.status, child.stderr).toBe(0);
      return readFile(file);
    };
    const [inWasm, natively] = [await write({ EARSHOT_NATIVE: '0' }, 'wasm.npy'), await write({}, 'native.npy')];
    expect(inWasm.equals(natively)).toBe(true);
  });

  it('writes the MFCC with --mfcc 20', async () => {
    const file = join(out, 'mfcc.npy');
    expect((await cli(['mel', join(golden, 'a_sine440.wav'), '--out', file, '--mfcc', '20'])).code).toBe(0);
    const [ours, ref] = [await npy(file), await npy(join(golden, 'a_sine440_mfcc20.npy'))];
    expect(ours.shape).toEqual([20, 44]);
    expect(maxAbsDiff(ours.data, ref.data)).toBeLessThanOrEqual(1e-2);
  });

  it('honours non-default parameters in the output shape', async () => {
    const file = join(out, 'small.npy');
    const args = ['mel', join(golden, 'a_sine440.wav'), '--out', file, '--n-mels', '40', '--n-fft', '1024', '--hop-length', '256', '--fmax', '8000', '--htk', '--db', 'none'];
    expect((await cli(args)).code).toBe(0);
    const m = await npy(file);
    expect(m.shape).toEqual([40, 1 + Math.floor(22050 / 256)]);
    expect(Math.min(...m.data)).toBeGreaterThanOrEqual(0); // raw power, no dB
  });
});

describe('mel subcommand on bad input', () => {
  it('exits 1 naming a file that is not audio', async () => {
    const bad = join(out, 'text.wav');
    await writeFile(bad, 'this is not audio');
    const { code, stderr } = await cli(['mel', bad, '--out', join(out, 'x.npy')]);
    expect(code).toBe(1);
    expect(stderr).toContain(bad);
  });
});
