import { describe, expect, it } from 'vitest';
import { REDACTED, redactYaml } from './redact.js';

describe('redactYaml', () => {
  it('replaces secret values at any depth, keeping comments and other values', () => {
    const text =
      'volcano:\n  token: abc123 # enrolment\n  agent_id: a\nextra:\n  nested:\n    password: |\n      multi\n      line\n';
    const out = redactYaml(text);
    expect(out).toBe(
      `volcano:\n  token: ${REDACTED} # enrolment\n  agent_id: a\nextra:\n  nested:\n    password: ${REDACTED}\n`,
    );
    expect(out).not.toMatch(/abc123|multi/);
  });

  it('never echoes text it cannot parse', () => {
    expect(redactYaml('token: "unterminated secret\n')).toBe(
      '# (not valid YAML: nothing shown; run rock-config validate)\n',
    );
  });
});
