import { ParameterError } from './errors.js';
import type { FeatureRecipe } from './recipe.js';

/**
 * How features are standardised before the model sees them: `(x - mean) / std` with statistics
 * of the training split, one value for every bin (`global`) or one per band (`per-band`).
 */
export type Normalization = FeatureRecipe['normalization'];

/**
 * Applies `normalization` in place to one or more samples of `rows × cols` laid end to end.
 * Computed as `(x - mean) * (1 / std)` in float64, then stored as float32: training and inference
 * both call this, so the model sees bit-identical inputs on either path.
 */
export function normalizeInto(data: Float32Array, normalization: Normalization, sampleShape: readonly [number, number]): Float32Array {
  if (normalization.kind === 'none') return data;
  const [rows, cols] = sampleShape;
  const bands = normalization.scope === 'global' ? 1 : rows;
  if (normalization.mean.length !== bands || normalization.std.length !== bands) {
    throw new ParameterError(
      `normalization (${normalization.scope}) needs ${bands} mean and std values, got ${normalization.mean.length} and ${normalization.std.length}`,
    );
  }
  const scales = normalization.std.map((s) => 1 / s);
  if (bands === 1) {
    const mean = normalization.mean[0]!;
    const scale = scales[0]!;
    for (let i = 0; i < data.length; i++) data[i] = (data[i]! - mean) * scale;
    return data;
  }
  const sample = rows * cols;
  if (data.length % sample !== 0) throw new ParameterError(`normalization: ${data.length} values are not whole samples of ${rows}×${cols}`);
  for (let base = 0; base < data.length; base += sample) {
    for (let band = 0; band < rows; band++) {
      const mean = normalization.mean[band]!;
      const scale = scales[band]!;
      const start = base + band * cols;
      for (let i = start; i < start + cols; i++) data[i] = (data[i]! - mean) * scale;
    }
  }
  return data;
}
