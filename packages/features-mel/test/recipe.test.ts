import { describe, expect, it } from 'vitest';
import {
  ParameterError,
  amplitudeToDb,
  checkRecipe,
  emptyMelFilters,
  melFilterbank,
  createMelExtractor,
  createRecipeExtractor,
  fixLength,
  mfccFromLogMel,
  normalizeInto,
  parseRecipe,
  powerToDb,
  type FeatureRecipe,
} from '../src/index.js';

const sr = 16000;

function recipe(overrides: Partial<FeatureRecipe> = {}): FeatureRecipe {
  return {
    version: 1,
    sr,
    clip: { duration: 0.5, pad: 'zeros', crop: 'start' },
    stft: { nFft: 512, hopLength: 128, winLength: 400, window: 'hann', center: true, padMode: 'constant' },
    mel: { nMels: 32, fmin: 50, fmax: 7000, htk: false, norm: 'slaney', power: 2 },
    db: { kind: 'power', ref: 'max', amin: 1e-10, topDb: 80 },
    mfcc: null,
    normalization: { kind: 'none' },
    ...overrides,
  };
}

/** A chirp with some noise: every band carries energy at some point. */
function signal(length: number, seed = 1): Float32Array {
  let state = seed;
  const noise = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.02;
  return Float32Array.from({ length }, (_, n) => 0.4 * Math.sin(2 * Math.PI * (200 + (3000 * n) / length) * (n / sr)) + noise());
}

const melOf = (r: FeatureRecipe) => createMelExtractor({ sr: r.sr, ...r.stft, ...r.mel });

describe('createRecipeExtractor', () => {
  it('is fixLength → melspectrogram → power_to_db, step by step, to the bit', () => {
    const r = recipe();
    const y = signal(9000); // longer than the 0.5 s clip: cropped from the start
    const expected = melOf(r).compute(fixLength(y, 8000));
    const db = powerToDb(expected, { ref: 'max', amin: 1e-10, topDb: 80 });
    const got = createRecipeExtractor(r).features(y);
    expect([got.rows, got.cols]).toEqual([32, 1 + Math.floor(8000 / 128)]);
    expect(got.data).toEqual(db.data);
  });

  it('applies amplitude_to_db, MFCC and no dB as the recipe says', () => {
    const y = signal(8000);
    const S = melOf(recipe({ mel: { ...recipe().mel, power: 1 } })).compute(y);
    const amplitude = recipe({ mel: { ...recipe().mel, power: 1 }, db: { kind: 'amplitude', ref: 1, amin: 1e-5, topDb: null } });
    expect(createRecipeExtractor(amplitude).features(y).data).toEqual(amplitudeToDb(S, { ref: 1, amin: 1e-5, topDb: null }).data);

    const linear = createRecipeExtractor(recipe({ db: null })).features(y);
    expect(linear.data).toEqual(melOf(recipe()).compute(y).data);

    const mfcc = createRecipeExtractor(recipe({ db: { kind: 'power', ref: 1, amin: 1e-10, topDb: 80 }, mfcc: { nMfcc: 13 } })).features(y);
    const logMel = powerToDb(melOf(recipe()).compute(y), { ref: 1, amin: 1e-10, topDb: 80 });
    expect(mfcc.rows).toBe(13);
    expect(mfcc.data).toEqual(mfccFromLogMel(logMel, { nMfcc: 13 }).data);
  });

  it('keeps each clip’s length without a clip spec, and pads short clips as the spec says', () => {
    const free = createRecipeExtractor(recipe({ clip: null }));
    expect(free.clipLength).toBeNull();
    expect(free.features(signal(3000)).cols).toBe(1 + Math.floor(3000 / 128));
    expect(() => free.shape()).toThrow(/pass the waveform length/);
    expect(free.shape(3000)).toEqual([32, 24]);

    const wrap = createRecipeExtractor(recipe({ clip: { duration: 0.5, pad: 'wrap', crop: 'start' } }));
    const short = signal(3000);
    expect(wrap.clip(short)).toEqual(fixLength(short, 8000, { pad: 'wrap' }));
    expect(wrap.shape()).toEqual([32, 63]);
  });

  it('crops at random only with a generator, and a choice overrides the recipe’s crop', () => {
    const r = recipe({ clip: { duration: 0.5, pad: 'zeros', crop: 'random' } });
    const ex = createRecipeExtractor(r);
    const y = signal(12000);
    expect(() => ex.features(y)).toThrow(ParameterError);
    const at = (u: number) => ex.clip(y, { random: () => u });
    expect(at(0)).toEqual(y.slice(0, 8000));
    expect(at(0.999999)).toEqual(y.slice(4000, 12000));
    expect(ex.clip(y, { crop: 'center' })).toEqual(y.slice(2000, 10000));
  });

  it('input() is features() then the recipe’s normalisation, bit for bit', () => {
    const global = recipe({ normalization: { kind: 'standardize', scope: 'global', mean: [-41.25], std: [13.5] } });
    const y = signal(8000);
    const features = createRecipeExtractor(global).features(y);
    const expected = Float32Array.from(features.data, (x) => (x - -41.25) * (1 / 13.5));
    expect(createRecipeExtractor(global).input(y).data).toEqual(expected);

    const mean = Array.from({ length: 32 }, (_, b) => -60 + b);
    const std = Array.from({ length: 32 }, (_, b) => 5 + b / 4);
    const perBand = createRecipeExtractor(recipe({ normalization: { kind: 'standardize', scope: 'per-band', mean, std } })).input(y);
    for (const [b, t] of [[0, 0], [7, 30], [31, 62]] as const) {
      const i = b * perBand.cols + t;
      expect(perBand.data[i]).toBe(Math.fround((features.data[i]! - mean[b]!) * (1 / std[b]!)));
    }
  });

  it('rejects a recipe that cannot run, naming the key', () => {
    expect(() => createRecipeExtractor(recipe({ mel: { ...recipe().mel, fmin: 8000, fmax: 7000 } }))).toThrow(/mel\.fmax=7000 must be above mel\.fmin=8000/);
    expect(() => createRecipeExtractor(recipe({ stft: { ...recipe().stft, winLength: 1024 } }))).toThrow(/stft\.winLength=1024 must be at most stft\.nFft=512/);
    expect(() => createRecipeExtractor(recipe({ clip: { duration: 0, pad: 'zeros', crop: 'start' } }))).toThrow(/clip\.duration=0 must be positive/);
    expect(() => createRecipeExtractor({ ...recipe(), version: 2 as 1 })).toThrow(/recipe version 2 is not supported/);
  });

  it('keeps the mel range within Nyquist and gives every mel band an FFT bin, naming the key', () => {
    const rule = (r: FeatureRecipe) => {
      try {
        checkRecipe(r);
      } catch (error) {
        return { key: (error as ParameterError).key, message: (error as Error).message };
      }
      return null;
    };
    expect(rule(recipe())).toBeNull();
    expect(rule(recipe({ mel: { ...recipe().mel, fmax: 9000 } }))).toMatchObject({ key: 'mel.fmax', message: expect.stringMatching(/mel\.fmax=9000 must be at most sr\/2=8000/) });
    expect(rule(recipe({ mel: { ...recipe().mel, fmin: 7000, fmax: 7000 } }))).toMatchObject({ key: 'mel.fmax' });
    // n_fft 2: two bins (0 and Nyquist), none inside any band.
    expect(rule(recipe({ stft: { ...recipe().stft, nFft: 2, winLength: 2 } }))).toMatchObject({ key: 'mel.nMels', message: expect.stringMatching(/32 mel bands .* get no FFT bin/) });
    // 31.25 Hz bins cannot feed 256 bands between 50 Hz and 7 kHz; 32 bands can.
    expect(rule(recipe({ mel: { ...recipe().mel, nMels: 256 } }))).toMatchObject({ key: 'mel.nMels' });
    expect(rule(recipe({ stft: { ...recipe().stft, winLength: 1024 } }))).toMatchObject({ key: 'stft.winLength' });
  });

  it('is plain data: a JSON round trip gives the same features', () => {
    const r = recipe({ normalization: { kind: 'standardize', scope: 'global', mean: [-40.123456789], std: [11.987654321] } });
    const y = signal(8000);
    const copy = JSON.parse(JSON.stringify(r)) as FeatureRecipe;
    expect(createRecipeExtractor(copy).input(y).data).toEqual(createRecipeExtractor(r).input(y).data);
  });
});

describe('emptyMelFilters', () => {
  it('finds exactly the all-zero rows of the filterbank (librosa\'s "Empty filters detected")', () => {
    for (const opts of [
      { sr: 22050, nFft: 2048, nMels: 128, fmin: 0, fmax: 11025, htk: false },
      { sr: 22050, nFft: 512, nMels: 128, fmin: 0, fmax: 11025, htk: false },
      { sr: 16000, nFft: 256, nMels: 80, fmin: 20, fmax: 8000, htk: true },
      { sr: 8000, nFft: 2, nMels: 4, fmin: 0, fmax: 4000, htk: false },
    ]) {
      const fb = melFilterbank({ ...opts, norm: null });
      const zeroRows = Array.from({ length: fb.rows }, (_, m) => m).filter((m) => fb.data.subarray(m * fb.cols, (m + 1) * fb.cols).every((w) => w === 0));
      expect(emptyMelFilters(opts), JSON.stringify(opts)).toEqual(zeroRows);
    }
  });
});

describe('parseRecipe', () => {
  it('accepts a recipe read back from JSON and names the bad keys of a broken one', () => {
    expect(parseRecipe(JSON.parse(JSON.stringify(recipe())))).toEqual(recipe());
    const broken = { ...recipe(), stft: { ...recipe().stft, hopLength: -1 }, db: { ...recipe().db, kind: 'loud' } };
    expect(() => parseRecipe(broken, 'model/preprocess.json')).toThrow(/model\/preprocess\.json is invalid: stft\.hopLength: .*; db\.kind: /);
    const perBand = { ...recipe(), normalization: { kind: 'standardize', scope: 'per-band', mean: [0], std: [1] } };
    expect(() => parseRecipe(perBand)).toThrow(/normalization\.mean has 1 values, expected 32 for scope 'per-band'/);
    expect(() => parseRecipe({ ...recipe(), mel: { ...recipe().mel, fmax: 10 } })).toThrow(/mel\.fmax=10 must be above mel\.fmin=50/);
  });
});

describe('normalizeInto', () => {
  it('normalises several samples at once, per band, and checks the statistics fit', () => {
    const data = Float32Array.from({ length: 2 * 2 * 3 }, (_, i) => i);
    normalizeInto(data, { kind: 'standardize', scope: 'per-band', mean: [1, 2], std: [2, 4] }, [2, 3]);
    expect(Array.from(data)).toEqual([-0.5, 0, 0.5, 0.25, 0.5, 0.75, 2.5, 3, 3.5, 1.75, 2, 2.25]);
    expect(() => normalizeInto(new Float32Array(6), { kind: 'standardize', scope: 'per-band', mean: [0], std: [1] }, [2, 3])).toThrow(
      /needs 2 mean and std values, got 1 and 1/,
    );
    const untouched = new Float32Array([1, 2]);
    expect(normalizeInto(untouched, { kind: 'none' }, [1, 2])).toBe(untouched);
  });
});
