import { describe, expect, it } from 'vitest';
import { ALL_PROGRAMS } from './test-support/all-programs.js';
import { runInProcess } from './test-support/run-in-process.js';

/** A usage error in each tool: an unknown flag of a command with --json... */
const UNKNOWN: Readonly<Record<string, string[]>> = {
  'rock-image': ['ls', 'i.img', '--json', '--no-such-flag'],
  'rock-verify': ['integration', 'i.img', '--json', '--no-such-flag'],
  'rock-deps': ['scan', '/bin/ls', '--json', '--no-such-flag'],
  'rock-kernel': ['list', '--json', '--no-such-flag'],
  'rock-security': ['hash', 'a', '--json', '--no-such-flag'],
  'rock-config': ['validate', 'a', '--json', '--no-such-flag'],
  'rock-mac': ['stats', '--json', '--no-such-flag'],
  'rock-cache': ['list', '--json', '--no-such-flag'],
  'rock-compose': ['validate', 'p.yaml', '--json', '--no-such-flag'],
  'rock-build': ['list', '--json', '--no-such-flag'],
};

/** ...and a missing required option or argument. */
const MISSING: Readonly<Record<string, string[]>> = {
  'rock-image': ['extract', '--json'],
  'rock-verify': ['boot', 'i.img', '--json'],
  'rock-deps': ['copy', '/bin/ls', '--json'],
  'rock-kernel': ['fetch', 'http://127.0.0.1:9/k.deb', '--json'],
  'rock-security': ['encrypt', 'a', '--json'],
  'rock-config': ['generate', '--json'],
  'rock-mac': ['reserve', '--json'],
  'rock-cache': ['put', '--json'],
  'rock-compose': ['validate', '--json'],
  'rock-build': ['build', '--json', '--jobs'],
};

describe('--json with a usage error prints the error object on stdout, exit 2', () => {
  it.each(ALL_PROGRAMS.map(([tool, build]) => [tool, build] as const))('%s', async (tool, build) => {
    for (const argv of [UNKNOWN[tool] as string[], MISSING[tool] as string[]]) {
      const run = await runInProcess(tool, build, argv, { home: '/nonexistent' });
      expect(run.code).toBe(2);
      const parsed = JSON.parse(run.out) as {
        error: { code: string; message: string; data: { reason: string } };
      };
      expect(parsed.error.code).toBe('USAGE');
      expect(parsed.error.message).toMatch(/unknown option '--no-such-flag'|required|missing/);
      expect(parsed.error.data.reason).toMatch(/^commander\./);
    }
  });

  it('without --json stdout stays empty', async () => {
    const [tool, build] = ALL_PROGRAMS[3] as (typeof ALL_PROGRAMS)[number];
    const run = await runInProcess(tool, build, ['list', '--no-such-flag']);
    expect(run).toMatchObject({ code: 2, out: '' });
  });
});
