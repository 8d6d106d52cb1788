import type * as tf from '@tensorflow/tfjs';

/** Number of scalar parameters; `trainableOnly` leaves out batch-norm moving statistics. */
export function countParams(model: tf.LayersModel, { trainableOnly = false } = {}): number {
  const weights = trainableOnly ? model.trainableWeights : model.weights;
  return weights.reduce((sum, w) => sum + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
}

/** A plain-text table: layer, type, output shape, parameter count, and totals. */
export function summarize(model: tf.LayersModel): string {
  const rows = model.layers.map((layer) => {
    const shape = layer.outputShape as (number | null)[] | (number | null)[][];
    const shapeText = JSON.stringify(shape).replace(/null/g, 'None').replace(/,/g, ', ');
    return [layer.name, layer.getClassName(), shapeText, String(layer.countParams())];
  });
  const header = ['Layer', 'Type', 'Output shape', 'Params'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  const rule = '-'.repeat(widths.reduce((a, b) => a + b + 2, -2));
  const total = countParams(model);
  const trainable = countParams(model, { trainableOnly: true });
  return [
    `Model: ${model.name}`,
    rule,
    line(header),
    rule,
    ...rows.map(line),
    rule,
    `Total params: ${total.toLocaleString('en-US')}`,
    `Trainable params: ${trainable.toLocaleString('en-US')}`,
    `Non-trainable params: ${(total - trainable).toLocaleString('en-US')}`,
  ].join('\n');
}
