import { describe, expect, it } from 'vitest';
import { dctMatrix, melSpectrogram, mfcc, mfccFromLogMel, powerToDb, type DctNorm, type DctType } from '../src/index.js';
import { hasReference, loadNpy, maxAbsDiff } from './reference.js';

// scipy.fftpack.dct(x, type, norm) for x = [0.3, -1.2, 2.5, 0.7, -0.1, 1.9, -2.2] (scipy 1.17, float64).
const X = [0.3, -1.2, 2.5, 0.7, -0.1, 1.9, -2.2];
const SCIPY: Array<[DctType, DctNorm, number[]]> = [
  [1, null, [5.7, -0.269357503464, -5.0, -2.7, -3.6, 10.469357503464, 0.1]],
  [1, 'ortho', [1.002860748033, 0.221176076106, -1.670564669125, -0.480489973733, -1.266419480693, 3.321176076106, -0.140234465266]],
  [2, null, [3.8, 2.283479813019, -7.504903439412, 1.529611451524, -3.298718145117, 12.279495459949, 1.206185294295]],
  [2, 'ortho', [0.718132498718, 0.610285650709, -2.00576981365, 0.408805856178, -0.881619508183, 3.281833206684, 0.32236657973]],
  [3, null, [4.104549564598, -1.852405287438, -6.172468258831, -0.5, -7.301947423715, 10.524712430519, 3.297558974867]],
  [3, 'ortho', [1.130197983455, -0.461865168317, -1.616450563191, -0.100419651627, -1.918316567512, 2.846058684281, 0.914520676231]],
];

describe('dctMatrix matches scipy.fftpack.dct', () => {
  for (const [type, norm, expected] of SCIPY) {
    it(`type ${type}, norm ${String(norm)}`, () => {
      const M = dctMatrix(7, 7, type, norm);
      const y = Array.from({ length: 7 }, (_, k) => X.reduce((acc, x, i) => acc + M[k * 7 + i]! * x, 0));
      expect(maxAbsDiff(y, expected)).toBeLessThan(1e-11);
    });
  }
});

const tone = Float32Array.from({ length: 11025 }, (_, i) => 0.4 * Math.sin((2 * Math.PI * 300 * i) / 22050) + 0.2 * Math.sin((2 * Math.PI * 2500 * i) / 22050));

describe('mfcc', () => {
  it('is the orthonormal DCT-II of power_to_db(mel, ref=1) over bands', () => {
    const M = mfcc(tone, { sr: 22050, nMfcc: 40 });
    expect([M.rows, M.cols]).toEqual([40, 22]);
    const logMel = powerToDb(melSpectrogram(tone, { sr: 22050 }));
    const D = dctMatrix(128, 40);
    let worst = 0;
    for (let k = 0; k < 40; k++) {
      for (let t = 0; t < M.cols; t++) {
        let acc = 0;
        for (let m = 0; m < 128; m++) acc += D[k * 128 + m]! * logMel.data[m * logMel.cols + t]!;
        worst = Math.max(worst, Math.abs(acc - M.data[k * M.cols + t]!));
      }
    }
    expect(worst).toBeLessThan(1e-3);
  });

  it.skipIf(!hasReference)('MFCC 40 of the golden sine starts with librosa’s MFCC 20', () => {
    const y = loadNpy('a_sine440_y.npy').data;
    const ref = loadNpy('a_sine440_mfcc20.npy');
    const M = mfcc(y, { sr: 22050, nMfcc: 40 });
    expect(maxAbsDiff(M.data.subarray(0, 20 * M.cols), ref.data)).toBeLessThan(1e-3);
  });

  it('silence: every band is 10 log10(1e-10) = -100 dB, so only c0 = -100·√128 is non-zero', () => {
    const M = mfcc(new Float32Array(3000), { sr: 22050 });
    expect([M.rows, M.cols]).toEqual([20, 6]);
    for (let t = 0; t < M.cols; t++) {
      expect(M.data[t]).toBeCloseTo(-100 * Math.sqrt(128), 3);
      for (let k = 1; k < 20; k++) expect(Math.abs(M.data[k * M.cols + t]!)).toBeLessThan(1e-3);
    }
  });

  it('lifter multiplies coefficient k by 1 + (L/2) sin(π(k+1)/L)', () => {
    const plain = mfcc(tone, { sr: 22050, nMfcc: 13 });
    const liftered = mfcc(tone, { sr: 22050, nMfcc: 13, lifter: 22 });
    for (const k of [0, 5, 12]) {
      const scale = 1 + 11 * Math.sin((Math.PI * (k + 1)) / 22);
      const t = 7;
      expect(liftered.data[k * plain.cols + t]).toBeCloseTo(plain.data[k * plain.cols + t]! * scale, 3);
    }
    expect(() => mfcc(tone, { sr: 22050, lifter: -1 })).toThrow(/lifter=-1/);
  });

  it('keeps at most nMels coefficients and honours dctType/norm/melNorm', () => {
    const S = { data: Float32Array.from({ length: 10 * 3 }, (_, i) => Math.sin(i)), rows: 10, cols: 3 };
    expect(mfccFromLogMel(S, { nMfcc: 40 }).rows).toBe(10);
    const t3 = mfccFromLogMel(S, { nMfcc: 4, dctType: 3, norm: null });
    const D = dctMatrix(10, 4, 3, null);
    let acc = 0;
    for (let m = 0; m < 10; m++) acc += D[2 * 10 + m]! * S.data[m * 3 + 1]!;
    expect(t3.data[2 * 3 + 1]).toBeCloseTo(acc, 5);
    const htkNoNorm = mfcc(tone, { sr: 22050, htk: true, melNorm: null, nMels: 40, nMfcc: 13 });
    expect([htkNoNorm.rows, htkNoNorm.cols]).toEqual([13, 22]);
    expect(htkNoNorm.data).not.toEqual(mfcc(tone, { sr: 22050, nMels: 40, nMfcc: 13 }).data);
  });
});
