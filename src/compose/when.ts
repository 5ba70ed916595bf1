/**
 * `when:` conditions, on variables only: `${VAR}` (true unless empty, `false`, `0` or `no`),
 * `${VAR} == value` and `${VAR} != value`. Operands may be quoted ('...' or "..."). The condition is
 * split into operands *before* variables are expanded, so a value cannot change its meaning.
 */
import { expandVariables } from './variables.js';

/** A parsed condition. */
export type Condition = { op: 'truthy'; left: string } | { op: '==' | '!='; left: string; right: string };

/** Parses a condition, or says what was expected. */
export function parseCondition(
  text: string,
): { ok: true; condition: Condition } | { ok: false; message: string } {
  const m = /^(.*?)\s+(==|!=)\s+(.*)$/.exec(text.trim());
  if (!m) {
    const left = operand(text.trim());
    return left === undefined
      ? { ok: false, message: `expected a condition like "\${VAR} == value", got '${text}'` }
      : { ok: true, condition: { op: 'truthy', left } };
  }
  const left = operand(m[1] as string);
  const right = operand(m[3] as string);
  if (left === undefined || right === undefined)
    return { ok: false, message: `expected a condition like "\${VAR} == value", got '${text}'` };
  return { ok: true, condition: { op: m[2] as '==' | '!=', left, right } };
}

function operand(text: string): string | undefined {
  if (text === '') return undefined;
  const q = text[0];
  if (q === "'" || q === '"') return text.length >= 2 && text.endsWith(q) ? text.slice(1, -1) : undefined;
  return /\s/.test(text) ? undefined : text;
}

/** Evaluates a parsed condition with the given variable values. */
export function evaluateCondition(condition: Condition, values: ReadonlyMap<string, string>): boolean {
  const left = expandVariables(condition.left, values);
  if (condition.op === 'truthy') return !['', 'false', '0', 'no'].includes(left.toLowerCase());
  const right = expandVariables(condition.right, values);
  return condition.op === '==' ? left === right : left !== right;
}
