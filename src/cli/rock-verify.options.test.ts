import { describe, expect, it } from 'vitest';
import type { VerifyCommands } from '../verify/index.js';
import { rockVerifyProgram } from './rock-verify.js';
import { recordCommands } from './test-support/record-commands.js';
import { runInProcess } from './test-support/run-in-process.js';

/** argv -> the command called and the options it got (the flag mapping, nothing run). */
const TABLE: [string[], string, unknown][] = [
  [['integration', 'i.img'], 'integration', { image: 'i.img' }],
  [
    ['integration', 'i.img', '--cmdline', 'console=ttyS0', '--pub', 'p.pub', '--json'],
    'integration',
    { image: 'i.img', cmdline: 'console=ttyS0', publicKey: 'p.pub' },
  ],
  [['deps', 'i.img'], 'deps', { image: 'i.img' }],
  [
    ['boot', 'i.img', '--kernel', 'vmlinuz'],
    'boot',
    { image: 'i.img', kernel: 'vmlinuz', expect: [], timeoutMs: 60_000, memoryMb: 256 },
  ],
  [
    [
      'boot',
      'i.img',
      '--kernel',
      'k',
      '--cmdline',
      'c',
      '--expect',
      'a',
      '--expect',
      'b',
      '--timeout',
      '1.5',
      '--memory',
      '512',
      '--log',
      'l',
    ],
    'boot',
    {
      image: 'i.img',
      kernel: 'k',
      cmdline: 'c',
      expect: ['a', 'b'],
      timeoutMs: 1500,
      memoryMb: 512,
      logFile: 'l',
    },
  ],
];

describe('rock-verify: argv -> options', () => {
  it.each(TABLE)('%j calls %s with its options', async (argv, command, options) => {
    const { commands, calls } = recordCommands<VerifyCommands>();
    const run = await runInProcess('rock-verify', (c) => rockVerifyProgram(c, commands), argv);
    expect(run.code).toBe(0);
    expect(calls).toEqual([{ command, options }]);
  });
});
