/**
 * `${NAME}` references: found statically (so an undefined one is an error before anything runs,
 * never an empty string) and expanded when a stage starts. `$name` without braces is left alone
 * (it belongs to the shell or the program), and `$${NAME}` is a literal `${NAME}`.
 */
const REF = /\$\$\{|\$\{([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One `${...}` in a text. */
export interface VariableRef {
  /** The name between the braces (possibly malformed, see `valid`). */
  name: string;
  /** The reference as written, `${MAC_ADDRESS}`. */
  text: string;
  valid: boolean;
}

/** Every `${...}` reference of `text`, in order (escaped `$${...}` are not references). */
export function findRefs(text: string): VariableRef[] {
  const refs: VariableRef[] = [];
  for (const m of text.matchAll(REF)) {
    if (m[0] === '$${') continue;
    const name = m[1] ?? '';
    refs.push({ name, text: m[0], valid: NAME.test(name) });
  }
  const open = text.replace(/\$\$\{/g, '').replace(/\$\{[^}]*\}/g, '');
  if (open.includes('${')) refs.push({ name: '', text: '${', valid: false });
  return refs;
}

/**
 * Replaces every `${NAME}` by its value. `values` must hold every name (the pipeline's validation
 * guarantees it); a missing one is a bug, not an empty string.
 */
export function expandVariables(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(REF, (whole, name: string | undefined) => {
    if (whole === '$${') return '${';
    const value = values.get(name ?? '');
    if (value === undefined)
      throw new Error(`variable ${whole} has no value (validation should have caught it)`);
    return value;
  });
}
