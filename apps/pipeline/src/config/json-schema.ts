import { z } from 'zod';
import { experimentSchema } from './schema.js';

/** JSON Schema of the experiment YAML (input side: every defaulted key optional), for editors. */
export function experimentJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(experimentSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://earshot.dev/schema/experiment.schema.json',
    title: 'earshot experiment',
    description: 'An earshot experiment (YAML, librosa snake_case names). Defaults are the seed recipe.',
  };
}

export function experimentJsonSchemaText(): string {
  return `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`;
}
