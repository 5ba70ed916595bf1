import { z } from 'zod';
import { pipelineSchema } from './schema.js';

/** Where the published schema lives in the repository. */
export const PIPELINE_SCHEMA_FILE = 'schemas/pipeline.schema.json';

/**
 * The pipeline schema as JSON Schema (draft 2020-12) for editors, generated from the zod schema the
 * parser uses (a test compares it with the committed file). Describes the input.
 */
export function pipelineJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(pipelineSchema, { io: 'input', target: 'draft-2020-12' });
  return {
    $schema: schema.$schema,
    $id: 'https://rock-os.dev/schemas/pipeline.schema.json',
    title: 'rock-compose pipeline',
    ...schema,
  };
}
