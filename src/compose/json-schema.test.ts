import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PIPELINE_SCHEMA_FILE, pipelineJsonSchema } from './json-schema.js';

const committed = fileURLToPath(new URL(`../../${PIPELINE_SCHEMA_FILE}`, import.meta.url));

describe('the published pipeline JSON Schema', () => {
  it('is what the parser’s zod schema generates (regenerate: node scripts/write-schemas.mjs)', () => {
    expect(JSON.parse(readFileSync(committed, 'utf8'))).toEqual(pipelineJsonSchema());
  });

  it('refuses unknown keys and requires the stage name, as the parser does', () => {
    const s = pipelineJsonSchema() as {
      additionalProperties: boolean;
      required: string[];
      properties: { stages: { items: { additionalProperties: boolean; required: string[] } } };
    };
    expect(s.additionalProperties).toBe(false);
    expect(s.required).toEqual(['stages']);
    expect(s.properties.stages.items.additionalProperties).toBe(false);
    expect(s.properties.stages.items.required).toEqual(['name']);
  });
});
