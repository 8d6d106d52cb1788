/**
 * @earshot/classifier: a trained earshot model and its feature recipe, classifying waveforms or
 * encoded audio exactly as `pipeline predict` does, in browsers and Node (no Node APIs).
 */
export { Classifier, type ClassifyOptions, type Prediction, type WindowScores } from './classifier.js';
export { inferenceRecipe, inferenceResType, topLabels, windowStarts, type LabelScore } from './inference.js';
export { latestOnset, liveAlignment, type LiveAlignment, type OnsetOptions } from './live.js';
