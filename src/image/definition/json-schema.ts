import { z } from 'zod';
import { imageDefinitionSchema } from './schema.js';

/** Where the published schema lives in the repository. */
export const IMAGE_SCHEMA_FILE = 'schemas/image.schema.json';

/** The image definition schema as JSON Schema (draft 2020-12), generated from the parser's zod schema. */
export function imageDefinitionJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(imageDefinitionSchema, { io: 'input', target: 'draft-2020-12' });
  return {
    $schema: schema.$schema,
    $id: 'https://rock-os.dev/schemas/image.schema.json',
    title: 'ROCK-OS image definition (rock-image.yaml)',
    ...schema,
  };
}
