// Regenerates the editor schemas of the YAML files rock-compose and rock-image read, from the same
// zod schemas their parsers use (tests fail when a committed file differs). Run after `npm run build`:
//   node scripts/write-schemas.mjs && npx biome format --write schemas
import { writeFileSync } from 'node:fs';
import { pipelineJsonSchema } from '../dist/compose/json-schema.js';
import { imageDefinitionJsonSchema } from '../dist/image/definition/json-schema.js';

const root = new URL('../', import.meta.url);
writeFileSync(
  new URL('schemas/pipeline.schema.json', root),
  `${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`,
);
writeFileSync(
  new URL('schemas/image.schema.json', root),
  `${JSON.stringify(imageDefinitionJsonSchema(), null, 2)}\n`,
);
