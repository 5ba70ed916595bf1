import { z } from 'zod';

/** A MAC as rock-mac writes them: six lower- or upper-case hex pairs separated by colons. */
const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

const nodeSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, {
      error: 'a node name (letters, digits, . _ -; it names DIR/<name>.img)',
    }),
    node_config: z.union([z.string().min(1), z.record(z.string(), z.unknown())], {
      error: 'a node.yaml file, or an inline mapping',
    }),
    mac: z.string().regex(MAC, { error: 'a MAC address like a4:58:0f:01:00:10' }).optional(),
    pool: z.string().min(1, { error: 'a rock-mac pool name' }).optional(),
    config_key: z.string().min(1, { error: "a CONFIG_KEY file, or 'generate'" }).optional(),
    add: z.array(z.string().regex(/^.+:\/.*$/, { error: 'SOURCE:/ABSOLUTE/PATH' })).optional(),
  })
  .refine((n) => !(n.mac !== undefined && n.pool !== undefined), {
    error: 'either mac or pool, not both',
    path: ['pool'],
  });

/** FLEET.yaml: the nodes to make images for (`rock-image overlay BASE --fleet FLEET.yaml`). */
export const fleetSchema = z.strictObject({
  nodes: z.array(nodeSchema).min(1, { error: 'at least one node' }),
});

export type Fleet = z.output<typeof fleetSchema>;
export type FleetNode = Fleet['nodes'][number];

/** Where the published schema lives in the repository. */
export const FLEET_SCHEMA_FILE = 'schemas/fleet.schema.json';

/** The fleet schema as JSON Schema (draft 2020-12), generated from the zod schema (a test compares). */
export function fleetJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(fleetSchema, { io: 'input', target: 'draft-2020-12' });
  return {
    $schema: schema.$schema,
    $id: 'https://rock-os.dev/schemas/fleet.schema.json',
    title: 'ROCK-OS fleet file (rock-image overlay --fleet)',
    ...schema,
  };
}
