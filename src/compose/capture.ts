/**
 * The value a stage's `capture:` takes from what it printed: for a suite tool, the documented field
 * of its `--json` result (rock-mac allocate: the address); with `pattern`, the first group of the
 * first match (or the whole match); otherwise stdout with one final newline removed.
 */

/** The captured value, or what went wrong in words. */
export function captureValue(
  stdout: Buffer,
  spec: { pattern?: RegExp; field?: string },
): { ok: true; value: string } | { ok: false; message: string } {
  const text = stdout.toString('utf8');
  if (spec.pattern) {
    const m = spec.pattern.exec(text);
    if (!m)
      return {
        ok: false,
        message: `capture: expected stdout to match /${spec.pattern.source}/, got no match`,
      };
    return { ok: true, value: m[1] ?? m[0] };
  }
  if (spec.field !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return {
        ok: false,
        message: `capture: expected the tool's JSON result on stdout, got ${text.length} bytes that are not JSON`,
      };
    }
    const value = findField(parsed, spec.field);
    if (value === undefined)
      return {
        ok: false,
        message: `capture: expected a field '${spec.field}' in the tool's JSON result, got none`,
      };
    return { ok: true, value };
  }
  return { ok: true, value: text.replace(/\r?\n$/, '') };
}

/** The field at the top level, or one level down (`{ allocation: { macAddress } }`). */
function findField(value: unknown, field: string): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  const direct = record[field];
  if (typeof direct === 'string' || typeof direct === 'number') return String(direct);
  for (const inner of Object.values(record)) {
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
      const v = (inner as Record<string, unknown>)[field];
      if (typeof v === 'string' || typeof v === 'number') return String(v);
    }
  }
  return undefined;
}
