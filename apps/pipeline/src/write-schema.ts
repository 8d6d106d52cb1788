// Regenerates schema/experiment.schema.json from the zod schema: `pnpm --filter @earshot/pipeline schema`.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { experimentJsonSchemaText } from './config/json-schema.js';

const target = fileURLToPath(new URL('../../../schema/experiment.schema.json', import.meta.url));
await writeFile(target, experimentJsonSchemaText());
console.log(target);
