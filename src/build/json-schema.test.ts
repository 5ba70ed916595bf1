import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMPONENTS_SCHEMA_FILE, componentsJsonSchema } from './json-schema.js';

const committed = fileURLToPath(new URL(`../../${COMPONENTS_SCHEMA_FILE}`, import.meta.url));

describe('schemas/components.schema.json', () => {
  it('is what the zod schema generates (regenerate: rock-build schema -o schemas/components.schema.json)', () => {
    expect(JSON.parse(readFileSync(committed, 'utf8'))).toEqual(componentsJsonSchema());
  });

  it('refuses unknown keys and knows every builder', () => {
    type Branch = { properties: { builder: { const: string } }; additionalProperties: boolean };
    const s = componentsJsonSchema() as {
      additionalProperties: boolean;
      properties: { components: { items: { oneOf?: Branch[]; anyOf?: Branch[] } } };
    };
    expect(s.additionalProperties).toBe(false);
    const items = s.properties.components.items;
    const branches: Branch[] = items.oneOf ?? items.anyOf ?? [];
    expect(branches.map((b) => b.properties.builder.const)).toEqual(['cargo', 'go', 'make', 'command']);
    for (const b of branches) expect(b.additionalProperties).toBe(false);
  });
});
