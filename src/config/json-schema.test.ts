import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NODE_SCHEMA_FILE, nodeConfigJsonSchema, nodeConfigJsonSchemaText } from './json-schema.js';

const committed = fileURLToPath(new URL(`../../${NODE_SCHEMA_FILE}`, import.meta.url));

describe('the published JSON Schema', () => {
  it('is exactly what the zod schema generates (regenerate: rock-config schema -o schemas/node.schema.json)', () => {
    expect(readFileSync(committed, 'utf8')).toBe(nodeConfigJsonSchemaText());
  });

  it('describes the input: strict objects, ranges, defaults not required', () => {
    const s = nodeConfigJsonSchema() as {
      additionalProperties: boolean;
      required: string[];
      properties: Record<string, { properties: Record<string, Record<string, unknown>>; required: string[] }>;
    };
    expect(s.additionalProperties).toBe(false);
    expect(s.required).toEqual(['node_id', 'hostname', 'role', 'network', 'volcano']);
    expect(s.properties.network!.properties.mtu).toMatchObject({ minimum: 1280, maximum: 9000 });
    expect(s.properties.volcano!.properties.heartbeat).toMatchObject({
      minimum: 10,
      maximum: 300,
      default: 30,
    });
    expect(s.properties.volcano!.required).toEqual(['server_url', 'agent_id']);
  });
});
