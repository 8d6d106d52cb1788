// Child process for the crash and two-process tests.
// argv: <cache module entry> <cache dir> <mode: crash|range> [from] [to]
// crash: write entries 0,1,2,… forever (batches of 8 without awaiting each put), printing the
//        highest committed index after each commit; the parent kills it with SIGKILL.
// claim: the same through fillMissing (claims split the work), printing its result.
// range: write entries from..to-1 (skipping ones already present, as the features stage does),
//        then print a JSON summary and exit.
const [entry, dir, mode, fromText, toText] = process.argv.slice(2);
const { FeatureCache, fillMissing } = await import(entry);
const { syntheticKey: key, syntheticTensor } = await import('./cache.fixtures.mjs');

const cache = FeatureCache.open(dir);
if (mode === 'crash') {
  for (let i = 0; ; i += 8) {
    const batch = [];
    for (let j = i; j < i + 8; j++) batch.push(cache.put(key(j), syntheticTensor(j)));
    await Promise.all(batch);
    process.stdout.write(`${i + 7}\n`);
  }
} else if (mode === 'claim') {
  const keys = [];
  for (let i = Number(fromText); i < Number(toText); i++) keys.push(key(i));
  const result = await fillMissing(cache, keys, async (chunk) => {
    await new Promise((resolve) => setTimeout(resolve, 2)); // stands in for decoding + mel
    return chunk.map((k) => syntheticTensor(Number(k.slice('entry-'.length))));
  }, { chunkSize: 16, pollMs: 20 });
  await cache.close();
  process.stdout.write(JSON.stringify(result) + '\n');
} else {
  let written = 0;
  let skipped = 0;
  const pending = [];
  for (let i = Number(fromText); i < Number(toText); i++) {
    if (cache.has(key(i))) {
      skipped++;
      continue;
    }
    written++;
    pending.push(cache.put(key(i), syntheticTensor(i)));
    if (pending.length >= 16) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  await cache.close();
  process.stdout.write(JSON.stringify({ written, skipped }) + '\n');
}
