/**
 * Validation of node.yaml with positions (src/yaml: real YAML 1.2, then the zod schema, every issue
 * at its line:column with the dotted field path and what was expected). A text that is not a mapping
 * is described, never quoted: it is often a secret given in the wrong place.
 */
import { parseYaml, validateParsed, type YamlIssue } from '../yaml/index.js';
import { describeContent, isBinaryText, isMapping } from './describe-content.js';
import { type NodeConfig, nodeConfigSchema, SECRET_KEYS } from './schema.js';

/** One problem in a config file, at a 1-based line and column. */
export type ConfigIssue = YamlIssue;

/** The outcome of {@link validateNodeConfig}. */
export type ValidationResult = { ok: true; value: NodeConfig } | { ok: false; errors: ConfigIssue[] };

/**
 * Validates a node.yaml text against the schema. Returns the value (defaults applied) or every error,
 * each with line:column, field path and what was expected, in file order. Unknown keys are errors.
 * Input that is not a mapping is described (`size`: its bytes on disk), never quoted: it may be a key.
 */
export function validateNodeConfig(text: string, size?: number): ValidationResult {
  // A pure function of the text (and size): a fleet validates each node's text twice, when its
  // segment is made and when the node image is verified (after every node's segment is made, so
  // the memo holds a whole fleet's). A copy goes out, so callers may change it.
  const key = `${size ?? ''}\0${text}`;
  const known = recent.get(key);
  if (known) return structuredClone(known);
  const result = validate(text, size);
  recent.set(key, structuredClone(result));
  recentChars += key.length;
  while (recent.size > RECENT || recentChars > RECENT_CHARS) {
    const oldest = recent.keys().next().value as string;
    recent.delete(oldest);
    recentChars -= oldest.length;
  }
  return result;
}

/** How many recent validations {@link validateNodeConfig} remembers, and of how much text at most. */
const RECENT = 4096;
const RECENT_CHARS = 4 * 1024 * 1024;
const recent = new Map<string, ValidationResult>();
let recentChars = 0;

function validate(text: string, size: number | undefined): ValidationResult {
  // Binary data (a key, an image) is described, never parsed: YAML's errors would quote it.
  if (isBinaryText(text)) return notMapping(text, undefined, size);
  const parsed = parseYaml(text);
  if (!parsed.ok) return { ok: false, errors: parsed.issues };
  // Not a mapping (a key's base64 line, a list...): say what it is, never echo it (it may be a secret).
  if (!isMapping(parsed.value)) return notMapping(text, parsed.value, size);
  const result = validateParsed(parsed, nodeConfigSchema, { secretKeys: SECRET_KEYS });
  return result.ok ? { ok: true, value: result.value } : { ok: false, errors: result.issues };
}

function notMapping(text: string, value: unknown, size: number | undefined): ValidationResult {
  const found = describeContent(text, value, size);
  return {
    ok: false,
    errors: [
      {
        line: 1,
        column: 1,
        path: '',
        message: `expected a mapping (a node configuration), found ${found}`,
        code: 'not_a_mapping',
      },
    ],
  };
}
