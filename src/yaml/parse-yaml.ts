/**
 * Real YAML 1.2 with positions (the `yaml` package: `yes` is a string, one document, duplicate keys
 * refused, at most 100 alias expansions), and a locator that maps a field path back onto the text.
 */
import { isMap, isPair, isScalar, LineCounter, type Node, parseDocument } from 'yaml';
import { dottedPath, type YamlIssue, type YamlLocator, type YamlPath, type YamlPosition } from './types.js';

/** A parsed YAML text with its locator, or every syntax error with its position. */
export type ParsedYaml =
  | { ok: true; value: unknown; locate: YamlLocator }
  | { ok: false; issues: YamlIssue[] };

/** Parses one YAML document; syntax errors come back as issues, never thrown. */
export function parseYaml(text: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const pos = (offset: number | undefined): YamlPosition => {
    const p = lines.linePos(offset ?? 0);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => ({
        ...pos(e.pos[0]),
        path: '',
        message: firstLine(e.message),
        code: `yaml:${e.code}`,
      })),
    };
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }), locate: locator(doc, text, pos) };
  } catch (err) {
    return {
      ok: false,
      issues: [{ line: 1, column: 1, path: '', message: firstLine(String(err)), code: 'yaml:ALIAS' }],
    };
  }
}

type Doc = ReturnType<typeof parseDocument>;

function locator(doc: Doc, text: string, pos: (offset: number | undefined) => YamlPosition): YamlLocator {
  const nodeAt = (path: YamlPath): Node | undefined => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
      if (node && typeof node === 'object' && 'range' in node) return node as Node;
    }
    return undefined;
  };
  const at = (path: YamlPath) => pos(nodeAt(path)?.range?.[0]);
  return {
    at,
    key: (path, key) => {
      const node = nodeAt(path);
      if (key !== undefined && isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
        if (pair && isScalar(pair.key)) return pos(pair.key.range?.[0]);
      }
      return pos(node?.range?.[0]);
    },
    inside: (path, needle) => {
      const range = nodeAt(path)?.range;
      if (!range) return pos(0);
      const found = text.slice(range[0], range[1]).indexOf(needle);
      return pos(found < 0 ? range[0] : range[0] + found);
    },
    issue: (path, message, code) => ({ ...at(path), path: dottedPath(path), message, code }),
  };
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
