import { readFile } from 'node:fs/promises';
import { exportNpz, FeatureCache, hashBytes } from '@earshot/feature-cache';
import { loadExperiment, recipeFromConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import { resolveRunResampler } from '../features/res-type.js';
import { createLogger } from '../log.js';
import { clipKeyer, featureJobs } from '../stages/features.js';
import { scanStage } from '../stages/scan.js';
import { autoDuration } from '../stages/dataset.js';
import { loadSplitLists, planSplits } from '../stages/split.js';

/** `cache export <experiment.yaml> --out features.npz`: the experiment's cached features, for numpy. */
export async function cacheExportCommand(file: string, opts: { out: string; set: string[] }): Promise<string> {
  const config = await loadExperiment(file, opts.set);
  const scan = await scanStage(config, createLogger({ quiet: true }));
  const plan = planSplits(scan.items, config, await loadSplitLists(config, scan.root));
  const recipe = recipeFromConfig(config, autoDuration(config, scan)?.seconds);
  const jobs = featureJobs(scan, plan, recipe);
  const role = new Map<number, string>();
  const f = plan.folds[0]!;
  for (const name of ['train', 'validation', 'test'] as const) for (const i of f[name]) role.set(i, name);
  const cache = FeatureCache.open(config.cache.dir);
  const entries: { key: string; label: string; path: string; split: string }[] = [];
  const missing: string[] = [];
  const clipKey = clipKeyer({ recipe, resType: resolveRunResampler(config).resType, seed: config.seed });
  try {
    for (const [i, item] of scan.items.entries()) {
      const split = plan.folds.length > 1 ? `fold-${plan.folds.find((fold) => fold.test.includes(i))?.fold ?? 0}` : (role.get(i) ?? 'unused');
      const job = jobs[i]!;
      const key = clipKey(job.audioHash ?? hashBytes(await readFile(item.path)), job.crop);
      if (cache.has(key)) entries.push({ key, label: item.label, path: item.path, split });
      else missing.push(item.path);
    }
  } finally {
    await cache.close();
  }
  if (entries.length === 0) throw new UsageError(`cache export: no features of ${file} in ${config.cache.dir}; run the experiment first`, 1);
  await exportNpz(config.cache.dir, entries, opts.out);
  return `${opts.out}: ${entries.length} tensors${missing.length ? ` (${missing.length} files not in the cache; run the experiment to compute them)` : ''}`;
}
