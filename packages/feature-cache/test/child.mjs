// Child process for the crash and two-process tests; runs the built package (dist/).
// argv: <cache dir> <mode: crash|claim|range> [from] [to]
// crash: write entries 0,1,2,… forever (batches of 8 without awaiting each put), printing the
//        highest committed index after each commit; the parent kills it with SIGKILL.
// claim: make entries from..to-1 present as the features stage does: claim the missing ones in
//        chunks, compute and put what was claimed, wait for what another process claimed; then
//        print { computed, cached, computedElsewhere }.
// range: write entries from..to-1 (skipping ones already present, as the features stage does),
//        then print a JSON summary and exit.
// each:  like range, but awaiting each put, so that every entry is its own commit.
// reopen: open, count and close the cache `from` times over (another process's start and end).
const [dir, mode, fromText, toText] = process.argv.slice(2);
const { FeatureCache } = await import('../dist/index.js');
const { syntheticKey: key, syntheticTensor } = await import('./fixtures.mjs');

if (mode === 'reopen') {
  for (let i = 0; i < Number(fromText); i++) {
    const again = FeatureCache.open(dir);
    again.count();
    await again.close();
  }
  process.exit(0);
}
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
  let todo = keys.filter((k) => !cache.has(k));
  const result = { computed: 0, cached: keys.length - todo.length, computedElsewhere: 0 };
  while (todo.length > 0) {
    let claimedAny = false;
    for (let start = 0; start < todo.length; start += 16) {
      const mine = await cache.claim(todo.slice(start, start + 16));
      if (mine.length === 0) continue;
      claimedAny = true;
      await new Promise((resolve) => setTimeout(resolve, 2)); // stands in for decoding + mel
      // put ends each claim; a failed computation would `release` its keys instead.
      await Promise.all(mine.map((k) => cache.put(k, syntheticTensor(Number(k.slice('entry-'.length))))));
      result.computed += mine.length;
    }
    todo = todo.filter((k) => !cache.has(k));
    // Everything left is claimed by the other process: poll until it has put them.
    if (todo.length > 0 && !claimedAny) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  result.computedElsewhere = keys.length - result.cached - result.computed;
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
    if (pending.length >= (mode === 'each' ? 1 : 16)) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  await cache.close();
  process.stdout.write(JSON.stringify({ written, skipped }) + '\n');
}
