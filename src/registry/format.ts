import { ANNOTATIONS } from './annotations.js';
import type { InspectReport } from './oci-commands.js';
import { type Component, formatId } from './types.js';

/** One line of `list`/`search`: `name@version  type  role  size  digest`. */
export function formatComponentLine(c: Component): string {
  return [formatId(c), c.type, c.role ?? '-', String(c.size), c.digest].join('  ');
}

/** Every field of a component, one per line. */
export function formatComponent(c: Component): string {
  const lines = [
    `${formatId(c)}`,
    `  type: ${c.type}`,
    `  role: ${c.role ?? '-'}`,
    `  file: ${c.file}`,
    `  size: ${c.size}`,
    `  digest: ${c.digest}`,
    `  depends: ${c.dependencies.length > 0 ? c.dependencies.map(formatId).join(', ') : '-'}`,
    `  tags: ${c.tags.length > 0 ? c.tags.join(', ') : '-'}`,
  ];
  for (const [k, v] of Object.entries(c.metadata)) lines.push(`  ${k}: ${v}`);
  return lines.join('\n');
}

/** The manifest of `inspect` as text: digest, type, each layer with its annotations. */
export function formatInspect(r: InspectReport): string {
  const m = r.manifest;
  const lines = [`${r.reference}`, `  digest: ${r.digest}`, `  artifactType: ${m.artifactType ?? '-'}`];
  if (m.subject) lines.push(`  subject: ${m.subject.digest}`);
  for (const [k, v] of Object.entries(m.annotations ?? {})) lines.push(`  ${k}: ${v}`);
  m.layers.forEach((layer, i) => {
    lines.push(
      `  layer ${i}: ${layer.annotations?.[ANNOTATIONS.title] ?? '-'} ${layer.mediaType} ${layer.size} ${layer.digest}`,
    );
    for (const [k, v] of Object.entries(layer.annotations ?? {})) {
      if (k !== ANNOTATIONS.title) lines.push(`    ${k}: ${v}`);
    }
  });
  return lines.join('\n');
}
