import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWavPcm16 } from '@earshot/demo-sounds';
import { confusionCellSize } from '../src/report/charts.js';
import { confusionMatrixChart, parseRunMetrics, renderSvg, trainingCurveChart, writeReport } from '../src/report/index.js';
import { fixtureMetrics, writeFixtureRun } from './report-fixture.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'earshot-report-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const svgs = (html: string) => html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];

/** Every attribute or CSS reference that would make a browser fetch something remote. */
function remoteLoads(html: string): string[] {
  const attributes = [...html.matchAll(/\b(?:src|href|xlink:href|action|poster|data)\s*=\s*["']?\s*((?:https?:)?\/\/[^"'\s>]*)/gi)].map((m) => m[0]);
  const css = [...html.matchAll(/url\(\s*["']?\s*((?:https?:)?\/\/[^)]*)\)|@import/gi)].map((m) => m[0]);
  return [...attributes, ...css];
}

describe('remoteLoads (the checker itself)', () => {
  it('catches remote scripts, stylesheets, images and CSS urls', () => {
    expect(remoteLoads('<script src="https://cdn.example/vega.js"></script>')).toHaveLength(1);
    expect(remoteLoads("<link href='//fonts.example/css'>")).toHaveLength(1);
    expect(remoteLoads('<style>body{background:url(http://x/y.png)}</style>')).toHaveLength(1);
    expect(remoteLoads('<svg xmlns="http://www.w3.org/2000/svg"></svg>')).toHaveLength(0); // a namespace, not a load
  });
});

/** The parts of a training-curve spec the tests read. */
interface CurveSpec {
  title: string;
  data: { values: { split: string }[] };
  layer: { data?: { values: { epoch: number }[] }; encoding: { color: { scale: { domain: string[] } }; y: { scale: { type?: string }; title: string } } }[];
}

describe('writeReport', () => {
  it('writes a self-contained report.html with every section', async () => {
    const dir = await writeFixtureRun(join(scratch, 'single'), fixtureMetrics());
    const file = await writeReport(dir);
    expect(file).toBe(join(dir, 'report.html'));
    const html = await readFile(file, 'utf8');

    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(remoteLoads(html)).toEqual([]);
    expect(html).not.toMatch(/<script|<link|<img|<iframe/i);

    // Three vega-rendered plots: confusion matrix, loss, accuracy.
    const plots = svgs(html);
    expect(plots).toHaveLength(3);
    for (const svg of plots) expect(svg).toMatch(/class="marks"/); // vega's SVG renderer output
    const [confusion, loss, accuracy] = plots as [string, string, string];
    expect(confusion).toMatch(/role-mark/);
    for (const label of ['bird', 'car', 'rain']) expect(confusion).toContain(`>${label}<`);
    expect(confusion).toContain('>15<'); // a count drawn in a cell
    expect(loss).toContain('>validation<');
    expect(loss).toContain('>train<');
    expect(accuracy).toMatch(/>accuracy</);

    // Per-class table, misclassified files with top-3, environment, timings and config.
    expect(html).toMatch(/<h2>Test results <span class="count">48 files<\/span>/);
    expect(html).toMatch(/<th[^>]*>precision<\/th>/);
    expect(html).toContain('rain/rain-012.wav');
    expect(html).toContain('bird 61%');
    expect(html).toContain('car/car-&lt;007&gt;&amp;.wav'); // escaped, not injected
    expect(html).toContain('tfjs-node failed to load');
    expect(html).toContain('4.22.0');
    expect(html).toContain('1 min 0 s'); // train timing, 60.1 s
    expect(html).toContain('1,234,567 parameters');
    expect(html).toContain('bird/broken.wav');
    expect(html).toMatch(/<pre>[\s\S]*n_mels: 128[\s\S]*<\/pre>/);
    expect(html).not.toContain('Cross-validation');
    // top-3 of 3 classes is 100% by construction, and top-1 is the accuracy: neither is shown.
    expect(html).not.toMatch(/top-[13] accuracy/);
    expect((await readdir(dir)).filter((n) => n.includes('.tmp'))).toEqual([]);
  });

  it('embeds a small player for misclassified clips that can still be read, and marks the epoch early stopping kept', async () => {
    const metrics = fixtureMetrics();
    const clip = join(scratch, 'clip.wav');
    // 6 s at 16 kHz: the report keeps the first 4 s at 11.025 kHz, 8-bit.
    await writeFile(clip, encodeWavPcm16(Float32Array.from({ length: 96_000 }, (_, i) => 0.3 * Math.sin(i / 5)), 16000));
    metrics.test.misclassified[0]!.path = clip;
    metrics.kept_epoch = 6;
    const html = await readFile(await writeReport(await writeFixtureRun(join(scratch, 'audio'), metrics)), 'utf8');
    expect(html).toContain("media-src data:");
    const players = [...html.matchAll(/<audio controls preload="none" src="data:audio\/wav;base64,([^"]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64'));
    expect(players).toHaveLength(1); // the second misclassified path does not exist: no player, still listed
    expect(html).toContain('car/car-&lt;007&gt;&amp;.wav');
    const wav = players[0]!;
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect([wav.readUInt32LE(24), wav.readUInt16LE(34), wav.readUInt32LE(40)]).toEqual([11025, 8, 4 * 11025]);
    expect(html.length).toBeLessThan(500_000);

    const loss = trainingCurveChart(metrics, 'loss') as unknown as CurveSpec;
    expect(loss.title).toContain('dashed: epoch kept by early stopping');
    expect(loss.layer[1]!.data!.values).toEqual([{ epoch: 6, note: 'kept' }]);
  });

  it('adds the per-fold table, mean ± std and a fold chart with k-fold', async () => {
    const dir = await writeFixtureRun(join(scratch, 'folds'), fixtureMetrics({ folds: true }), null);
    const html = await readFile(await writeReport(dir), 'utf8');
    expect(svgs(html)).toHaveLength(4);
    expect(remoteLoads(html)).toEqual([]);
    expect(html).toContain('Cross-validation: 3 folds');
    expect(html).toMatch(/± \d+\.\d%/);
    expect(html).toMatch(/<td>3<\/td>/); // the third fold's row
    expect(html).toContain('loss (3 folds)');
    expect(html).not.toContain('Resolved configuration'); // no config.resolved.yaml in this run
  });

  it('shows misclassified paths relative to the dataset root and the timings known so far', async () => {
    const metrics = fixtureMetrics();
    metrics.test.misclassified[0]!.path = '/tmp/demo/rain/rain-012.wav';
    metrics.timings = { scan: 1, features: 2, train: 3, evaluate: 4, report: 0, total: 0 }; // written before the report ran
    const html = await readFile(await writeReport(await writeFixtureRun(join(scratch, 'partial'), metrics)), 'utf8');
    expect(html).toContain('<code title="/tmp/demo/rain/rain-012.wav">rain/rain-012.wav</code>');
    expect(html).toMatch(/<th>total so far<\/th><td>10\.0 s<\/td>/);
    expect(html).not.toMatch(/<th>report<\/th>/);
  });

  it('escapes labels and paths everywhere, including inside the SVGs', async () => {
    const metrics = fixtureMetrics();
    metrics.labels = ['<script>alert(1)</script>', 'car', 'rain'];
    metrics.test.per_class[0]!.label = metrics.labels[0]!;
    const html = await readFile(await writeReport(await writeFixtureRun(join(scratch, 'hostile'), metrics)), 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('names the file and key when metrics.json is wrong', async () => {
    const broken = fixtureMetrics();
    broken.test.confusion_matrix = [[1, 2], [3, 4]];
    const dir = await writeFixtureRun(join(scratch, 'broken'), broken);
    await expect(writeReport(dir)).rejects.toThrow(/metrics\.json: test\.confusion_matrix must be 3×3/);

    const noLabels = { ...fixtureMetrics(), labels: 'bird' };
    await expect(writeReport(await writeFixtureRun(join(scratch, 'nolabels'), noLabels))).rejects.toThrow(/metrics\.json: invalid metrics at labels/);
    await expect(writeReport(join(scratch, 'missing'))).rejects.toThrow(/missing.*metrics\.json: cannot read/);
  });
});

describe('charts', () => {
  it('grows the confusion matrix with the classes so 50 classes stay readable', () => {
    expect(confusionCellSize(3)).toBe(48);
    expect(confusionCellSize(50)).toBe(18);
    const labels = Array.from({ length: 50 }, (_, i) => `class-${i}`);
    const matrix = labels.map((_, i) => labels.map((__, j) => (i === j ? 8 : 0)));
    const spec = confusionMatrixChart(labels, matrix) as unknown as { width: number; height: number };
    expect([spec.width, spec.height]).toEqual([900, 900]);
  });

  it('renders a vega-lite heatmap to SVG with one rect per cell', async () => {
    const svg = await renderSvg(confusionMatrixChart(['a', 'b'], [[3, 1], [0, 4]]));
    expect(svg.startsWith('<svg')).toBe(true);
    const cells = [...svg.matchAll(/aria-label="predicted: (\w); true label: (\w); row share: (\d+)%"[^>]*aria-roledescription="rect mark"/g)];
    expect(cells.map((m) => `${m[2]}→${m[1]} ${m[3]}%`)).toEqual(['a→a 75%', 'a→b 25%', 'b→a 0%', 'b→b 100%']);
  });

  it('namespaces internal ids so several inline SVGs do not collide', async () => {
    const spec = confusionMatrixChart(['a', 'b'], [[3, 1], [0, 4]]);
    // An empty cell is white, a filled one shaded by its row share.
    expect(await renderSvg(spec, 'empty')).toMatch(/fill="white"/);
    const svg = await renderSvg(spec, 'cm');
    const ids = [...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0); // the colour legend's gradient
    for (const id of ids) expect(id).toMatch(/^cm-/);
    for (const [, ref] of svg.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(ref);
  });

  it('skips curves when there are no epochs and validation when it is absent', () => {
    const metrics = parseRunMetrics({ ...fixtureMetrics(), epochs: [] });
    expect(trainingCurveChart(metrics, 'loss')).toBeUndefined();
    const trainOnly = parseRunMetrics({ ...fixtureMetrics(), epochs: [1, 0.5].map((loss, i) => ({ epoch: i + 1, loss, accuracy: 0.5, lr: 1e-3, seconds: 1 })) });
    const spec = trainingCurveChart(trainOnly, 'loss') as unknown as CurveSpec;
    expect(spec.data.values.map((v) => v.split)).toEqual(['train', 'train']);
    expect(spec.layer).toHaveLength(1); // no early stopping: no marker
    expect(spec.layer[0]!.encoding.color.scale.domain).toEqual(['train']); // no legend entry for absent validation
    expect(spec.layer[0]!.encoding.y.scale.type).toBeUndefined();
  });

  it('switches the loss axis to log scale when the first epoch dwarfs the rest', async () => {
    const metrics = parseRunMetrics({ ...fixtureMetrics(), epochs: [42.2, 6.4, 1.9, 0.3, 0.1].map((loss, i) => ({ epoch: i + 1, loss, accuracy: 0.5, lr: 1e-3, seconds: 1 })) });
    const spec = trainingCurveChart(metrics, 'loss') as unknown as CurveSpec;
    expect(spec.layer[0]!.encoding.y.scale.type).toBe('log');
    expect(spec.layer[0]!.encoding.y.title).toBe('loss (log scale)');
    expect(await renderSvg(spec as never)).toContain('loss (log scale)');
  });
});
