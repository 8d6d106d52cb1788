import { describe, expect, it } from 'vitest';
import { delta, ParameterError } from '../src/index.js';
import { maxAbsDiff } from './reference.js';

const matrix = (rows: number[][]) => ({
  data: Float32Array.from(rows.flat()),
  rows: rows.length,
  cols: rows[0]!.length,
});

describe('delta (scipy savgol_filter, mode interp)', () => {
  it('of a ramp is its slope everywhere, edges included; second order is 0', () => {
    const ramp = matrix([Array.from({ length: 20 }, (_, t) => 3 * t - 7), Array.from({ length: 20 }, (_, t) => -0.5 * t)]);
    const d1 = delta(ramp);
    expect(maxAbsDiff(d1.data.subarray(0, 20), new Array(20).fill(3))).toBeLessThan(1e-5);
    expect(maxAbsDiff(d1.data.subarray(20), new Array(20).fill(-0.5))).toBeLessThan(1e-5);
    expect(maxAbsDiff(delta(ramp, { order: 2 }).data, new Array(40).fill(0))).toBeLessThan(1e-4);
  });

  it('second-order delta of t² is 2', () => {
    const q = matrix([Array.from({ length: 15 }, (_, t) => t * t)]);
    expect(maxAbsDiff(delta(q, { order: 2 }).data, new Array(15).fill(2))).toBeLessThan(1e-4);
  });

  // scipy.signal.savgol_filter(x, w, polyorder=o, deriv=o, mode='interp') on x = float32(sin(0.3t) + 0.1t²).
  const x = [0.0, 0.3955202102661133, 0.9646424651145935, 1.6833269596099854, 2.532039165496826, 3.49749493598938, 4.573847770690918, 5.763209342956543, 7.07546329498291, 8.527379989624023, 10.141119956970215, 11.942254066467285];
  const SCIPY: Array<[number, number, number[]]> = [
    [5, 1, [0.6351885, 0.6351885, 0.6351885, 0.7771346, 0.9032578, 1.020157, 1.135256, 1.256139, 1.389871, 1.542375, 1.542375, 1.542375]],
    [5, 2, [0.1508497, 0.1508497, 0.1508495, 0.1318135, 0.1188686, 0.1131708, 0.1152293, 0.12486, 0.1412028, 0.1627977, 0.1627982, 0.1627982]],
    [9, 1, [0.8906249, 0.8906249, 0.8906249, 0.8906249, 0.890625, 1.017691, 1.143177, 1.273739, 1.273739, 1.273739, 1.273739, 1.273739]],
    [7, 3, [-0.01592057, -0.01592057, -0.01592057, -0.01592061, -0.009280692, -0.001811693, 0.005819082, 0.01293004, 0.01888605, 0.01888579, 0.01888579, 0.01888579]],
  ];
  for (const [width, order, expected] of SCIPY) {
    it(`matches scipy for width=${width}, order=${order}`, () => {
      const d = delta(matrix([x]), { width, order });
      expect(maxAbsDiff(d.data, expected)).toBeLessThan(2e-6);
    });
  }

  it('raises like librosa on bad width/order', () => {
    const m = matrix([[1, 2, 3, 4, 5]]);
    expect(() => delta(m)).toThrow(/width=9 cannot exceed/);
    expect(() => delta(m, { width: 4 })).toThrow(ParameterError);
    expect(() => delta(m, { width: 3, order: 0 })).toThrow(/order=0/);
    expect(() => delta(m, { width: 3, order: 3 })).toThrow(/order=3/);
  });
});
