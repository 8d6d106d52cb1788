// Regenerates the published JSON Schemas from the zod schemas: `pnpm --filter @earshot/pipeline schema`.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { experimentJsonSchemaText } from './config/json-schema.js';
import { runMetricsJsonSchemaText } from './run-metrics.js';

for (const [name, text] of [
  ['experiment.schema.json', experimentJsonSchemaText()],
  ['metrics.schema.json', runMetricsJsonSchemaText()],
] as const) {
  const target = fileURLToPath(new URL(`../../../schema/${name}`, import.meta.url));
  await writeFile(target, text);
  console.log(target);
}
