import { InputError } from '../errors/index.js';

/** `NAME=VALUE` assignments (`--var`) as a record; the first `=` splits, so a value may hold more. */
export function parseVarAssignments(assignments: readonly string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const a of assignments) {
    const eq = a.indexOf('=');
    const name = eq < 0 ? '' : a.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new InputError('BAD_VAR', `vars: expected NAME=VALUE with a variable name, got '${a}'`, {
        value: a,
      });
    vars[name] = a.slice(eq + 1);
  }
  return vars;
}
