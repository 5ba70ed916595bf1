import { type ComponentId, type DependencyNode, formatId } from './types.js';

/** Looks up a component's dependencies; undefined when it is not catalogued. */
export type DependencyLookup = (id: ComponentId) => readonly ComponentId[] | undefined;

/**
 * The first dependency cycle reachable from `root`, as the path that closes it
 * (`[a@1, b@1, a@1]`), or undefined. Diamonds (two paths to one component) are not cycles.
 */
export function findCycle(root: ComponentId, lookup: DependencyLookup): ComponentId[] | undefined {
  const done = new Set<string>();
  const path: ComponentId[] = [];
  const onPath = new Set<string>();
  const visit = (id: ComponentId): ComponentId[] | undefined => {
    const key = formatId(id);
    if (onPath.has(key)) return [...path.slice(path.findIndex((p) => formatId(p) === key)), id];
    if (done.has(key)) return undefined;
    onPath.add(key);
    path.push(id);
    for (const d of lookup(id) ?? []) {
      const found = visit(d);
      if (found) return found;
    }
    path.pop();
    onPath.delete(key);
    done.add(key);
    return undefined;
  };
  return visit(root);
}

/**
 * The dependency tree of `root`. A component reached twice (a diamond) is listed again with
 * `seen: true` and no children; an uncatalogued one with `missing: true`. The caller checks for
 * cycles first ({@link findCycle}).
 */
export function dependencyTree(root: ComponentId, lookup: DependencyLookup): DependencyNode {
  const seen = new Set<string>();
  const build = (id: ComponentId): DependencyNode => {
    const node: DependencyNode = { name: id.name, version: id.version, dependencies: [] };
    const deps = lookup(id);
    if (deps === undefined) {
      node.missing = true;
      return node;
    }
    if (seen.has(formatId(id))) {
      node.seen = true;
      return node;
    }
    seen.add(formatId(id));
    node.dependencies = deps.map(build);
    return node;
  };
  return build(root);
}

/** The tree as text, like `npm ls`: `a@1`, then `├── b@1`, `│   └── c@1 (missing)`. */
export function formatDependencyTree(root: DependencyNode): string {
  const lines = [formatId(root)];
  const walk = (node: DependencyNode, prefix: string): void => {
    node.dependencies.forEach((child, i) => {
      const last = i === node.dependencies.length - 1;
      const note = child.missing ? ' (missing)' : child.seen ? ' (see above)' : '';
      lines.push(`${prefix}${last ? '└── ' : '├── '}${formatId(child)}${note}`);
      walk(child, `${prefix}${last ? '    ' : '│   '}`);
    });
  };
  walk(root, '');
  return lines.join('\n');
}
