import { z } from 'zod';
import { nodeConfigSchema } from './schema.js';

/** Where the published schema lives in the repository. */
export const NODE_SCHEMA_FILE = 'schemas/node.schema.json';

/**
 * The node.yaml schema as JSON Schema (draft 2020-12) for editors, generated from the zod schema so
 * the two cannot drift (a test compares it with the committed file). Describes the input: fields with
 * defaults are optional.
 */
export function nodeConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(nodeConfigSchema, { io: 'input', target: 'draft-2020-12' });
  return {
    $schema: schema.$schema,
    $id: 'https://rock-os.dev/schemas/node.schema.json',
    title: 'ROCK-OS node.yaml',
    ...schema,
  };
}

/**
 * The file's text: two-space JSON laid out as the repository's formatter (Biome, width 110) lays it
 * out, so regenerating the file never leaves a formatting diff: objects one member per line, lists
 * of scalars on one line when they fit.
 */
export function nodeConfigJsonSchemaText(): string {
  return `${printJson(nodeConfigJsonSchema(), 0, 0)}\n`;
}

const WIDTH = 110;

function printJson(value: unknown, indent: number, used: number): string {
  const pad = ' '.repeat(indent + 2);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => v === null || typeof v !== 'object')) {
      const flat = `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
      if (used + flat.length + 1 <= WIDTH) return flat;
    }
    const items = value.map((v) => `${pad}${printJson(v, indent + 2, pad.length)}`);
    return `[\n${items.join(',\n')}\n${' '.repeat(indent)}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const items = entries.map(([k, v]) => {
      const head = `${pad}${JSON.stringify(k)}: `;
      return `${head}${printJson(v, indent + 2, head.length)}`;
    });
    return `{\n${items.join(',\n')}\n${' '.repeat(indent)}}`;
  }
  return JSON.stringify(value);
}
