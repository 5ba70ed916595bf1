import { describe, expect, it } from 'vitest';
import type { BuildCommands } from '../build/index.js';
import { rockBuildProgram } from './rock-build.js';
import { recordCommands } from './test-support/record-commands.js';
import { runInProcess } from './test-support/run-in-process.js';

/** argv -> the command called and the options it got (the flag mapping, nothing run). */
const TABLE: [string[], string, unknown][] = [
  [[], 'build', { components: ['all'], file: 'components.yaml', noCache: false }],
  [['all'], 'build', { components: ['all'], file: 'components.yaml', noCache: false }],
  [
    ['rock-init', 'volcano-agent', '--release', '--jobs', '3', '--no-cache', '-f', 'c.yaml', '-o', 'out'],
    'build',
    {
      components: ['rock-init', 'volcano-agent'],
      file: 'c.yaml',
      outputDir: 'out',
      release: true,
      jobs: 3,
      noCache: true,
    },
  ],
  [
    ['build', 'busybox', '--json'],
    'build',
    { components: ['busybox'], file: 'components.yaml', noCache: false },
  ],
  [['check', '--file', 'c.yaml'], 'check', { file: 'c.yaml' }],
  [['list', '--release', '-o', 'out'], 'list', { file: 'components.yaml', outputDir: 'out', release: true }],
  [['clean'], 'clean', { file: 'components.yaml' }],
  [
    ['clean', 'rock-init', '-o', 'out'],
    'clean',
    { file: 'components.yaml', outputDir: 'out', component: 'rock-init' },
  ],
];

describe('rock-build: argv -> options', () => {
  it.each(TABLE)('%j', async (argv, command, options) => {
    const { commands, calls } = recordCommands<BuildCommands>();
    const run = await runInProcess('rock-build', (c) => rockBuildProgram(c, commands), argv);
    expect(run.code).toBe(0);
    expect(calls).toHaveLength(1);
    const call = calls[0] as { command: string; options: Record<string, unknown> };
    expect(call.command).toBe(command);
    const { onEvent: _onEvent, ...rest } = call.options;
    expect(JSON.parse(JSON.stringify(rest))).toEqual(options);
  });

  it('refuses a --jobs that is not a positive integer (exit 2)', async () => {
    const { commands, calls } = recordCommands<BuildCommands>();
    const run = await runInProcess('rock-build', (c) => rockBuildProgram(c, commands), [
      'all',
      '--jobs',
      '1.5',
    ]);
    expect(run.code).toBe(2);
    expect(run.err).toBe("rock-build: --jobs: expected a positive integer, got '1.5'");
    expect(calls).toEqual([]);
  });
});
