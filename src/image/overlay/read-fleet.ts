import { readFileSync } from 'node:fs';
import { InputError } from '../../errors/index.js';
import type { YamlIssue } from '../../yaml/types.js';
import { validateYaml } from '../../yaml/validate-yaml.js';
import { YamlInvalidError } from '../../yaml/yaml-invalid-error.js';
import { type Fleet, fleetSchema } from './fleet-schema.js';

/** Reads and validates FLEET.yaml: every problem with line:column (YamlInvalidError FLEET_INVALID). */
export function readFleet(path: string): Fleet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError('INPUT_NOT_FOUND', `${path}: cannot read: ${(err as NodeJS.ErrnoException).code}`, {
      field: 'fleet',
      path,
    });
  }
  const result = validateYaml(text, fleetSchema);
  if (!result.ok) throw new YamlInvalidError('FLEET_INVALID', path, result.issues);
  const seen = new Map<string, number>();
  const issues: YamlIssue[] = [];
  result.value.nodes.forEach((node, i) => {
    const first = seen.get(node.name);
    if (first !== undefined) {
      issues.push({
        ...result.locate.at(['nodes', i, 'name']),
        path: `nodes[${i}].name`,
        message: `expected a name no other node has, got '${node.name}' (also nodes[${first}])`,
        code: 'duplicate_name',
      });
    } else seen.set(node.name, i);
  });
  if (issues.length > 0) throw new YamlInvalidError('FLEET_INVALID', path, issues);
  return result.value;
}
