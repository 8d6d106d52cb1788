/**
 * The demo dataset's bytes, pinned. Recorded before the synthesiser moved out of the pipeline
 * (apps/pipeline/src/demo) into this package: cached features, splits and published demo results
 * depend on them. A change here is a new dataset — bump DEMO_GENERATOR_VERSION, never just the hashes.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GENERATOR_VERSION, DEMO_LABELS, DEMO_MANIFEST, encodeWavPcm16, ensureDemoDataset, generateClip, type DemoLabel } from '../src/index.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'earshot-demo-golden-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** `path sha256\n` for every file under `root`, sorted by path, hashed: one digest for a whole dataset. */
async function datasetDigest(root: string): Promise<{ files: number; digest: string }> {
  const lines: string[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) await walk(join(dir, entry.name), `${rel}${entry.name}/`);
      else lines.push(`${rel}${entry.name} ${sha256(await readFile(join(dir, entry.name)))}\n`);
    }
  };
  await walk(root, '');
  lines.sort();
  return { files: lines.length, digest: createHash('sha256').update(lines.join('')).digest('hex') };
}

describe('golden demo clips', () => {
  const clips: [seed: number, label: DemoLabel, index: number, seconds: number, samples: number, float32: string, wav: string][] = [
    [0, 'bird', 0, 2.5, 61232, '80b311a294879779a8903c2b2e60b36525b597fb906b004337efa36ed8ba2d61', 'eb25c27f35659afaa5354ccd70d74ecc853431c11f9506541f65e040a7b6dc18'],
    [0, 'car', 7, 2.5, 59324, '2e977db25071acaa99e06f670428306f1d9b0f0b5d7f7c2b4e3540e4e0ab1769', '59088e518df2c47bb40b5746678604cdaa2205cf9303721f2fd630b01ef6d7c4'],
    [0, 'rain', 79, 2.5, 64955, 'c4b316ce1dc7799c763f14745ca8a4424f1e0aa59b216103a13ad2ed8736bf4a', 'fd5089ccfbb505a717bdd7089e506aae0a45da3520d3900ab10a21839091ebc4'],
    [5, 'bird', 1, 0.5, 12985, '86d02c4f59aa3d7dc68ca6c9849f81248c89e4d1bc41d7f94bd5cad2ac04aada', 'c6d783a200364e6f26db5bbbe379203abd39ac3027ad0623aaa5d2e7ee55f0e5'],
    [12345, 'car', 2, 0.5, 11993, '10dfde4e96182d86106cf7d3c67ea36460d62c82dae89ad4adaa8a0cd2c2f034', 'b994ef5f016561895b234d7d8f3f9eb2172538f3e4831c11b4f59f5e2dfbc723'],
    [12345, 'rain', 0, 0.5, 9781, '6aa65e77f447e6d7c1e876ee8675648cd8ed57746a37d0ed233eb37a699614be', 'b4a37b5e5997ef3208a0dd044de728c01bd8032cdaf2d3052220f0764aa7289e'],
  ];
  it.each(clips)('seed %i, %s %i, %f s', (seed, label, index, seconds, samples, float32, wav) => {
    const clip = generateClip({ label, index, seed, seconds });
    expect(clip.length).toBe(samples);
    expect(sha256(new Uint8Array(clip.buffer, clip.byteOffset, clip.byteLength))).toBe(float32);
    expect(sha256(encodeWavPcm16(clip, 22050))).toBe(wav);
  });
});

describe('golden demo datasets', () => {
  it('a small one: seed 5, 3 clips per class, 0.5 s', async () => {
    const root = await ensureDemoDataset(join(scratch, 'small'), { seed: 5, perClass: 3, seconds: 0.5 });
    expect(sha256(await readFile(join(root, DEMO_MANIFEST)))).toBe('d79371b2fdc76287600b59236c29329a1931ca05229e8370adf1362c0f4842f3');
    expect(await datasetDigest(root)).toEqual({ files: 10, digest: '161ffae3f6f625fef76d8e35b38a91d5fef46f0d73eb5810f55c309e2ea31939' });
  });

  it('the default one (preset demo): seed 0, 80 clips per class, 2.5 s', async () => {
    const root = await ensureDemoDataset(join(scratch, 'default'));
    const manifest = await readFile(join(root, DEMO_MANIFEST));
    expect(JSON.parse(manifest.toString('utf8'))).toMatchObject({ version: DEMO_GENERATOR_VERSION, labels: [...DEMO_LABELS], files: 240 });
    expect(sha256(manifest)).toBe('6a862e65bd1ea44c8610c8da637fd8d732a49530597abc0a71aade3d51f64751');
    expect(await datasetDigest(root)).toEqual({ files: 241, digest: '69c96e64bbe8d38a9c110ba5aa3c5d3dc7127fa4016b01bb8efb9d2e85c533d2' });
  }, 60_000);
});
