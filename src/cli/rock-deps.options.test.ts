import { describe, expect, it } from 'vitest';
import type { DepsCommands } from '../deps/index.js';
import { rockDepsProgram } from './rock-deps.js';
import { recordCommands } from './test-support/record-commands.js';
import { runInProcess } from './test-support/run-in-process.js';

/** argv -> the command called and the options it got (the flag mapping, nothing run). */
const TABLE: [string[], string, unknown][] = [
  [['scan', '/bin/ls'], 'scan', { binaries: ['/bin/ls'] }],
  [
    [
      'scan',
      'a',
      'b',
      '--root',
      'r',
      '--library-path',
      '/x:/y;/z',
      '--platform',
      'haswell',
      '--hwcaps',
      'x86-64-v3,,x86-64-v2',
      '--ldconfig',
      '--json',
    ],
    'scan',
    {
      binaries: ['a', 'b'],
      root: 'r',
      ldLibraryPath: ['/x', '/y', '/z'],
      platform: 'haswell',
      hwcaps: ['x86-64-v3', 'x86-64-v2'],
      ldSoConfFallback: true,
    },
  ],
  [['tree', '/bin/ls'], 'scan', { binaries: ['/bin/ls'] }],
  [['copy', 'a', '--to', 'rootfs'], 'copy', { binaries: ['a'], to: 'rootfs' }],
  [['check', 'a', 'libc.so.6', 'libm.so.6'], 'check', { binary: 'a', libraries: ['libc.so.6', 'libm.so.6'] }],
];

describe('rock-deps: argv -> options', () => {
  it.each(TABLE)('%j calls %s with its options', async (argv, command, options) => {
    const { commands, calls } = recordCommands<DepsCommands>();
    const run = await runInProcess('rock-deps', (c) => rockDepsProgram(c, commands), argv);
    expect(run.code).toBe(0);
    expect(calls).toEqual([{ command, options }]);
  });
});
