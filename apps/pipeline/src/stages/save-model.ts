import { join } from 'node:path';
import type { ResType } from '@earshot/dataset-io';
import type { FeatureRecipe } from '@earshot/features-mel';
import { saveModel, type Preprocess } from '@earshot/model-cnn';
import { runFiles } from '../run-dir.js';
import type { TrainedModel } from './folds.js';

/**
 * Writes the run's model with its `preprocess.json`: the recipe, now with the training
 * normalisation, and the labels; `extra.resType` names the training resampler, which `predict` uses
 * where this machine has it.
 */
export async function saveRunModel(
  runDir: string,
  trained: TrainedModel,
  info: { recipe: FeatureRecipe; resType: ResType; labels: string[]; inputShape: [number, number]; experiment: string },
): Promise<Preprocess> {
  const preprocess: Preprocess = {
    formatVersion: 2,
    labels: info.labels,
    inputShape: info.inputShape,
    recipe: { ...info.recipe, normalization: trained.normalization },
    extra: { experiment: info.experiment, resType: info.resType },
  };
  await saveModel(trained.model, join(runDir, runFiles.model), preprocess);
  return preprocess;
}
