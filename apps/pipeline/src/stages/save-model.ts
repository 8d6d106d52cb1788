import { join } from 'node:path';
import type { FeatureRecipe } from '@earshot/features-mel';
import { saveModel, type Preprocess } from '@earshot/model-cnn';
import { runFiles } from '../run-dir.js';
import type { TrainedModel } from './folds.js';

/** Writes the run's model with its `preprocess.json`: the recipe, now with the training normalisation, and the labels. */
export async function saveRunModel(
  runDir: string,
  trained: TrainedModel,
  info: { recipe: FeatureRecipe; labels: string[]; inputShape: [number, number]; experiment: string },
): Promise<Preprocess> {
  const preprocess: Preprocess = {
    formatVersion: 2,
    labels: info.labels,
    inputShape: info.inputShape,
    recipe: { ...info.recipe, normalization: trained.normalization },
    extra: { experiment: info.experiment },
  };
  await saveModel(trained.model, join(runDir, runFiles.model), preprocess);
  return preprocess;
}
