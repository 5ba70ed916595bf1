import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { IMAGE_SCHEMA_FILE, imageDefinitionJsonSchema } from './json-schema.js';

const committed = fileURLToPath(new URL(`../../../${IMAGE_SCHEMA_FILE}`, import.meta.url));

describe('the published image definition JSON Schema', () => {
  it('is what the parser’s zod schema generates (regenerate: node scripts/write-schemas.mjs)', () => {
    expect(JSON.parse(readFileSync(committed, 'utf8'))).toEqual(imageDefinitionJsonSchema());
  });

  it('refuses unknown keys', () => {
    const s = imageDefinitionJsonSchema() as { additionalProperties: boolean };
    expect(s.additionalProperties).toBe(false);
  });
});
