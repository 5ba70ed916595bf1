/** The stage graph as Mermaid (`flowchart`) or Graphviz dot text. */
import type { ValidatedPipeline } from './validate-pipeline.js';

/** The two graph formats `rock-compose graph` writes. */
export type GraphFormat = 'mermaid' | 'dot';

/** Renders the depends edges, stages in file order; image and verification stages are marked. */
export function renderGraph(pipeline: ValidatedPipeline, format: GraphFormat): string {
  const id = (name: string) => `s${pipeline.stages.findIndex((s) => s.name === name)}`;
  const label = (name: string) => {
    const s = pipeline.byName.get(name)!;
    return `${name}${s.writesImage ? ' (image)' : s.verifiesImage ? ' (verify)' : ''}`;
  };
  const lines: string[] = [];
  if (format === 'mermaid') {
    lines.push('flowchart TD');
    for (const s of pipeline.stages)
      lines.push(`  ${id(s.name)}["${label(s.name).replace(/"/g, '#quot;')}"]`);
    for (const s of pipeline.stages) for (const d of s.depends) lines.push(`  ${id(d)} --> ${id(s.name)}`);
  } else {
    lines.push(`digraph "${pipeline.name.replace(/"/g, '\\"')}" {`, '  rankdir=TB;');
    for (const s of pipeline.stages)
      lines.push(`  ${id(s.name)} [label="${label(s.name).replace(/"/g, '\\"')}"];`);
    for (const s of pipeline.stages) for (const d of s.depends) lines.push(`  ${id(d)} -> ${id(s.name)};`);
    lines.push('}');
  }
  return lines.join('\n');
}
