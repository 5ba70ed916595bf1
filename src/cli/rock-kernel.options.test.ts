import { describe, expect, it } from 'vitest';
import type { KernelCommands } from '../kernel/index.js';
import { rockKernelProgram } from './rock-kernel.js';
import { recordCommands } from './test-support/record-commands.js';
import { runInProcess } from './test-support/run-in-process.js';

const step = expect.any(Function);

/** argv -> the command called and the options it got (the flag mapping, nothing run). */
const TABLE: [string[], string, unknown][] = [
  [['add', 'k.deb'], 'add', { source: 'k.deb', onStep: step }],
  [
    [
      'add',
      'vmlinuz',
      '--name',
      'n',
      '--force',
      '--config',
      'c',
      '--system-map',
      'm',
      '--modules',
      'd',
      '-q',
    ],
    'add',
    { source: 'vmlinuz', name: 'n', force: true, config: 'c', systemMap: 'm', modules: 'd', onStep: step },
  ],
  [
    ['fetch', 'https://x/k.deb', '--sha256', 'ab', '--name', 'n'],
    'fetch',
    { url: 'https://x/k.deb', sha256: 'ab', name: 'n', onStep: step, onProgress: step },
  ],
  [['list'], 'list', {}],
  [['ls', '--json'], 'list', {}],
  [['show'], 'show', { name: undefined }],
  [['show', 'k1'], 'show', { name: 'k1' }],
  [['rm', 'k1'], 'remove', { name: 'k1' }],
  [['default', 'k1'], 'default', { name: 'k1' }],
  [['check'], 'check', { kernel: undefined, compress: 'gzip', net: 'virtio' }],
  [
    ['check', 'k1', '--compress', 'zstd', '--net', 'none', '--script-init', '--image-modules', 'a', 'b'],
    'check',
    { kernel: 'k1', compress: 'zstd', net: 'none', scriptInit: true, imageModules: ['a', 'b'] },
  ],
  [
    ['cmdline', 'production', '--append', 'a=1', '--append', 'b', '--mac', 'm', '--config', 'f'],
    'cmdline',
    { mode: 'production', append: ['a=1', 'b'], mac: 'm', configFile: 'f' },
  ],
  [['modules', 'k1', 'virtio_net', 'ext4'], 'modules', { kernel: 'k1', names: ['virtio_net', 'ext4'] }],
  [
    ['boot', '--image', 'i.img'],
    'boot',
    {
      image: 'i.img',
      mode: 'debug',
      append: [],
      expect: [],
      timeoutMs: 60_000,
      memoryMb: 256,
      accel: 'auto',
    },
  ],
  [
    ['boot', 'k1', '--image', 'i', '--mac', 'm', '--memory', '512', '--timeout', '2.5', '--expect', 'x'],
    'boot',
    {
      kernel: 'k1',
      image: 'i',
      mac: 'm',
      mode: 'debug',
      append: [],
      expect: ['x'],
      timeoutMs: 2500,
      memoryMb: 512,
      accel: 'auto',
    },
  ],
];

describe('rock-kernel: argv -> options', () => {
  it.each(TABLE)('%j calls %s with its options', async (argv, command, options) => {
    const { commands, calls } = recordCommands<KernelCommands>();
    const run = await runInProcess('rock-kernel', (c) => rockKernelProgram(c, commands), argv);
    expect(run.code).toBe(0);
    expect(calls).toHaveLength(1);
    // toEqual treats undefined properties as absent: absent flags may map to undefined or be left out.
    expect(calls[0]).toEqual({ command, options });
  });
});
