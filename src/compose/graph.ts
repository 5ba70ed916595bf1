/**
 * The stage graph: duplicate names, unknown `depends`, cycles, and the order stages can run in.
 * Every problem is an issue with the position of the name or the `depends` entry at fault.
 */
import type { YamlIssue, YamlLocator } from '../yaml/index.js';
import type { Stage } from './schema.js';

/** What the graph needs of a stage. */
export type GraphStage = Pick<Stage, 'depends'> & {
  /** Undefined for a stage whose name did not pass the schema (nothing can depend on it). */
  name: string | undefined;
};

/** The graph of a pipeline's stages. */
export interface StageGraph {
  /** Names in an order where each stage comes after everything it depends on. */
  order: string[];
  /** Every stage a stage depends on, directly or not. */
  ancestors: Map<string, Set<string>>;
}

/** Checks names and depends; returns the graph (when sound) and the issues found. */
export function buildGraph(
  stages: readonly GraphStage[],
  locate: YamlLocator,
): { graph?: StageGraph; issues: YamlIssue[] } {
  const issues: YamlIssue[] = [];
  const first = new Map<string, number>();
  stages.forEach((stage, i) => {
    if (stage.name === undefined) return;
    const seen = first.get(stage.name);
    if (seen === undefined) first.set(stage.name, i);
    else {
      const at = locate.at(['stages', seen, 'name']);
      issues.push({
        ...locate.at(['stages', i, 'name']),
        path: `stages[${i}].name`,
        message: `expected a unique stage name, got '${stage.name}' again (first at line ${at.line})`,
        code: 'duplicate_stage',
      });
    }
  });
  const names = [...first.keys()];
  stages.forEach((stage, i) => {
    (stage.depends ?? []).forEach((dep, j) => {
      if (!first.has(dep)) {
        issues.push({
          ...locate.at(['stages', i, 'depends', j]),
          path: `stages[${i}].depends[${j}]`,
          message: `expected the name of a stage (${names.join(', ')}), got '${dep}'`,
          code: 'unknown_depends',
        });
      }
    });
  });
  // Cycles among the known names are reported even when other depends are unknown.
  const cycle = findCycle(stages, first);
  if (cycle) {
    const { index, dependIndex, path } = cycle;
    issues.push({
      ...locate.at(['stages', index, 'depends', dependIndex]),
      path: `stages[${index}].depends[${dependIndex}]`,
      message: `expected no cycle, got ${path.join(' -> ')}`,
      code: 'cycle',
    });
  }
  if (issues.length > 0) return { issues };
  return { graph: order(stages), issues };
}

/** A depends cycle: the stage and `depends` entry that close it, and the cycle's names. */
function findCycle(
  stages: readonly GraphStage[],
  index: Map<string, number>,
): { index: number; dependIndex: number; path: string[] } | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): { index: number; dependIndex: number; path: string[] } | undefined => {
    state.set(name, 'open');
    stack.push(name);
    const i = index.get(name) as number;
    const deps = stages[i]?.depends ?? [];
    for (let j = 0; j < deps.length; j++) {
      const dep = deps[j] as string;
      if (!index.has(dep)) continue;
      if (state.get(dep) === 'open')
        return { index: i, dependIndex: j, path: [...stack.slice(stack.indexOf(dep)), dep] };
      if (state.get(dep) === undefined) {
        const found = visit(dep);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const stage of stages) {
    if (stage.name !== undefined && state.get(stage.name) === undefined) {
      const found = visit(stage.name);
      if (found) return found;
    }
  }
  return undefined;
}

/** File order, moved only as far as dependencies require (Kahn's algorithm, stable). */
function order(given: readonly GraphStage[]): StageGraph {
  const stages = given.filter((s): s is GraphStage & { name: string } => s.name !== undefined);
  const ancestors = new Map<string, Set<string>>();
  const result: string[] = [];
  const placed = new Set<string>();
  while (result.length < stages.length) {
    for (const stage of stages) {
      if (placed.has(stage.name)) continue;
      const deps = stage.depends ?? [];
      if (!deps.every((d) => placed.has(d))) continue;
      const all = new Set<string>();
      for (const d of deps) {
        all.add(d);
        for (const a of ancestors.get(d) ?? []) all.add(a);
      }
      ancestors.set(stage.name, all);
      placed.add(stage.name);
      result.push(stage.name);
      break;
    }
  }
  return { order: result, ancestors };
}
