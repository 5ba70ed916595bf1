import { z } from 'zod';
import { manifestSchema } from './manifest-schema.js';

/** Where the published schema lives in the repository. */
export const COMPONENTS_SCHEMA_FILE = 'schemas/components.schema.json';

/**
 * The components.yaml schema as JSON Schema (draft 2020-12) for editors, generated from the zod
 * schema so the two cannot drift (a test compares it with the committed file).
 */
export function componentsJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(manifestSchema, { io: 'input', target: 'draft-2020-12' });
  return {
    $schema: schema.$schema,
    $id: 'https://rock-os.dev/schemas/components.schema.json',
    title: 'rock-build components.yaml',
    ...schema,
  };
}

/** The file's text (two-space JSON; the committed file is then laid out by Biome, same content). */
export function componentsJsonSchemaText(): string {
  return `${JSON.stringify(componentsJsonSchema(), null, 2)}\n`;
}
