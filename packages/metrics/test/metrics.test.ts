import { describe, expect, it } from 'vitest';
import {
  accuracy,
  aggregateFolds,
  argmaxRows,
  balancedAccuracy,
  classificationReport,
  confusionMatrix,
  macroF1,
  perClass,
  topKAccuracy,
  topKPredictions,
  weightedF1,
} from '../src/index.js';

// Expected values are the ones printed in scikit-learn's documentation for the same inputs.
describe('confusionMatrix', () => {
  it('matches the sklearn.metrics.confusion_matrix docstring example', () => {
    expect(confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2], 3)).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
  });
  it('names the bad index', () => {
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(/yTrue\[1\] = 3/);
    expect(() => confusionMatrix([0], [0, 1], 3)).toThrow(/1 labels but yPred has 2/);
  });
});

describe('per-class and averaged scores', () => {
  // sklearn classification_report docstring: y_true=[0,1,2,2,2], y_pred=[0,0,2,2,1]
  const yTrue = [0, 1, 2, 2, 2];
  const yPred = [0, 0, 2, 2, 1];
  it('per class precision / recall / f1 / support', () => {
    const s = perClass(yTrue, yPred, 3);
    expect(s[0]).toEqual({ precision: 0.5, recall: 1, f1: 2 / 3, support: 1 });
    expect(s[1]).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 }); // zero_division=0
    expect(s[2]!.precision).toBe(1);
    expect(s[2]!.recall).toBeCloseTo(2 / 3, 12);
    expect(s[2]!.f1).toBeCloseTo(0.8, 12);
    expect(s[2]!.support).toBe(3);
  });
  it('accuracy, macro and weighted F1 as in the report (0.60, 0.49, 0.61)', () => {
    expect(accuracy(yTrue, yPred)).toBeCloseTo(0.6, 12);
    expect(macroF1(yTrue, yPred, 3)).toBeCloseTo((2 / 3 + 0 + 0.8) / 3, 12);
    expect(macroF1(yTrue, yPred, 3).toFixed(2)).toBe('0.49');
    expect(weightedF1(yTrue, yPred, 3).toFixed(2)).toBe('0.61');
  });
  it('f1_score docstring: macro 0.267, weighted 0.267', () => {
    const t = [0, 1, 2, 0, 1, 2];
    const p = [0, 2, 1, 0, 0, 1];
    expect(macroF1(t, p, 3)).toBeCloseTo(0.26666666666666666, 12);
    expect(weightedF1(t, p, 3)).toBeCloseTo(0.26666666666666666, 12);
  });
  it('macro F1 counts the classes present in truth or predictions (scikit-learn default labels)', () => {
    // class 2 absent from both: f1_score([0,0,1,1], [0,0,1,1], average='macro') = 1.0, not 2/3
    expect(macroF1([0, 0, 1, 1], [0, 0, 1, 1], 3)).toBe(1);
    // class 2 predicted but never true: it counts, with F1 0 → (1 + 2/3 + 0) / 3 = 0.5556
    expect(macroF1([0, 0, 1, 1], [0, 0, 1, 2], 3)).toBeCloseTo((1 + 2 / 3 + 0) / 3, 12);
    const r = classificationReport({ yTrue: [0, 0, 1, 1], yPred: [0, 0, 1, 1], labels: ['a', 'b', 'c', 'd'] });
    expect(r.macroClasses).toBe(2);
    expect([r.macroF1, r.macroPrecision, r.macroRecall]).toEqual([1, 1, 1]);
  });
  it('balanced_accuracy_score docstring: 0.625', () => {
    expect(balancedAccuracy([0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1], 2)).toBeCloseTo(0.625, 12);
  });
  it('balanced accuracy ignores classes absent from yTrue', () => {
    // class 2 never occurs in truth; recall over classes 0 and 1 only = (1 + 0.5) / 2
    expect(balancedAccuracy([0, 1, 1], [0, 1, 2], 3)).toBeCloseTo(0.75, 12);
  });
});

describe('topKAccuracy', () => {
  const scores = [0.5, 0.2, 0.2, 0.3, 0.4, 0.2, 0.2, 0.4, 0.3, 0.7, 0.2, 0.1];
  it('top_k_accuracy_score docstring: k=2 gives 0.75', () => {
    expect(topKAccuracy(scores, [0, 1, 2, 2], 2)).toBe(0.75);
  });
  it('topKPredictions ranks classes best first, ties to the lower index', () => {
    expect(topKPredictions(scores, 3, 2)).toEqual([
      [{ index: 0, score: 0.5 }, { index: 1, score: 0.2 }],
      [{ index: 1, score: 0.4 }, { index: 0, score: 0.3 }],
      [{ index: 1, score: 0.4 }, { index: 2, score: 0.3 }],
      [{ index: 0, score: 0.7 }, { index: 1, score: 0.2 }],
    ]);
  });
  it('k=1 equals accuracy of argmax, k=nClasses is 1', () => {
    const yTrue = [0, 1, 2, 2];
    expect(topKAccuracy(scores, yTrue, 1)).toBe(accuracy(yTrue, argmaxRows(scores, 3)));
    expect(topKAccuracy(scores, yTrue, 3)).toBe(1);
  });
});

describe('aggregateFolds', () => {
  it('reproduces the issue\'s ESC-50 summary 14.5% ± 10.9% with the sample std (ddof=1)', () => {
    const s = aggregateFolds([8.8, 23.8, 27.8, 1.8, 10.5]);
    expect(s.mean.toFixed(1)).toBe('14.5');
    expect(s.std.toFixed(1)).toBe('10.9');
    expect(s.populationStd.toFixed(2)).toBe('9.73');
    expect(aggregateFolds([44.8, 40.0, 43.5, 49.5, 46.0]).std.toFixed(1)).toBe('3.5');
  });
  it('single fold has std 0; empty throws', () => {
    expect(aggregateFolds([0.9]).std).toBe(0);
    expect(() => aggregateFolds([])).toThrow(/at least one/);
  });
});

describe('classificationReport', () => {
  it('bundles everything and derives predictions from probabilities', () => {
    const probs = [0.5, 0.2, 0.2, 0.3, 0.4, 0.2, 0.2, 0.4, 0.3, 0.7, 0.2, 0.1];
    const r = classificationReport({ yTrue: [0, 1, 2, 2], probs, labels: ['a', 'b', 'c'], topK: [1, 2] });
    expect(r.confusion).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [1, 1, 0],
    ]);
    expect(r.accuracy).toBe(0.5);
    expect(r.topK).toEqual({ 1: 0.5, 2: 0.75 });
    expect(r.perClass.map((c) => c.label)).toEqual(['a', 'b', 'c']);
    expect(r.perClass[2]).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 2 });
    expect(r.macroF1).toBeCloseTo((2 / 3 + 2 / 3 + 0) / 3, 12);
    expect(r.balancedAccuracy).toBeCloseTo((1 + 1 + 0) / 3, 12);
  });
});
