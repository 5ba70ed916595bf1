import { describe, expect, it } from 'vitest';
import type { ConfigCommands } from '../config/index.js';
import { rockConfigProgram } from './rock-config.js';
import { recordCommands } from './test-support/record-commands.js';
import { runInProcess } from './test-support/run-in-process.js';

/** argv -> the command called and the options it got (the flag mapping, nothing run). */
const TABLE: [string[], string, unknown][] = [
  [['init'], 'init', { output: 'node.yaml' }],
  [['init', '-o', '-'], 'init', { output: undefined }],
  [['init', '--output', 'n.yaml', '--force'], 'init', { output: 'n.yaml', force: true }],
  [
    [
      'generate',
      '--node-id',
      'edge-7',
      '--mac',
      'M',
      '--hostname',
      'h',
      '--role',
      'edge',
      '--interface',
      'eth1',
      '--server-url',
      'https://v',
      '-o',
      'n.yaml',
    ],
    'generate',
    {
      nodeId: 'edge-7',
      mac: 'M',
      hostname: 'h',
      role: 'edge',
      interface: 'eth1',
      serverUrl: 'https://v',
      output: 'n.yaml',
    },
  ],
  [['validate', 'a', 'b', '--key', 'K'], 'validate', { files: ['a', 'b'], key: 'K' }],
  [['merge', 'a', 'b', 'c', '-o', 'o'], 'merge', { base: 'a', overrides: ['b', 'c'], output: 'o' }],
  [['show', 'a'], 'show', { file: 'a' }],
  [
    ['encrypt', 'a', '-o', 'b', '--key', 'K'],
    'encrypt',
    { input: 'a', output: 'b', key: 'K', validate: true },
  ],
  [
    ['encrypt', 'a', '-o', 'b', '--key', 'K', '--no-validate'],
    'encrypt',
    { input: 'a', output: 'b', key: 'K', validate: false },
  ],
  [['decrypt', 'a', '-o', 'b', '--key', 'K'], 'decrypt', { input: 'a', output: 'b', key: 'K' }],
  [['schema'], 'schema', {}],
  [['schema', '-o', 's.json'], 'schema', { output: 's.json' }],
];

describe('rock-config: argv -> options', () => {
  it.each(TABLE)('%j calls %s with its options', async (argv, command, options) => {
    const { commands, calls } = recordCommands<ConfigCommands>();
    const run = await runInProcess('rock-config', (c) => rockConfigProgram(c, commands), argv);
    expect(run.code).toBe(0);
    expect(calls).toEqual([{ command, options }]);
  });
});
