import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImageCommands } from '../image/index.js';
import { rockImageProgram } from './rock-image.js';
import { recordCommands } from './test-support/record-commands.js';
import { runInProcess } from './test-support/run-in-process.js';

const fn = expect.any(Function);

/** argv -> the command called and the options it got (the flag mapping, nothing run). */
const TABLE: [string[], string, unknown][] = [
  [['create'], 'create', { components: {}, onProgress: fn, onWarning: fn }],
  [
    [
      'create',
      '--components',
      'build/components',
      '--agent',
      'agent',
      '--mac',
      'a4:58:0f:00:00:07',
      '--rootfs',
      'r1',
      '--rootfs',
      'r2',
      '--no-deps',
      '--compress',
      'zstd',
      '--level',
      '3',
      '--threads',
      '2',
      '-o',
      'rock.img',
    ],
    'create',
    {
      components: { agent: 'agent' },
      componentsDir: 'build/components',
      rootfs: ['r1', 'r2'],
      mac: 'a4:58:0f:00:00:07',
      noDeps: true,
      compress: 'zstd',
      level: 3,
      threads: 2,
      output: 'rock.img',
      onProgress: fn,
      onWarning: fn,
    },
  ],
  [
    ['cpio', 'create', './rootfs', '--exact'],
    'pack',
    { rootfs: './rootfs', exact: true, compress: 'gzip', onNotice: fn, onProgress: fn },
  ],
  [['ls', '-l', 'rock.img'], 'list', { image: 'rock.img', onEntry: fn }],
  [['ls', '--json', 'rock.img'], 'list', { image: 'rock.img', onEntry: fn }],
  [['ls', 'rock.img'], 'listNames', { image: 'rock.img', onName: fn }],
  [
    ['extract', '--no-devices', '--preserve-owners', 'rock.img', 'out'],
    'extract',
    {
      image: 'rock.img',
      dir: 'out',
      devices: false,
      preserveOwners: true,
      preserveSpecialBits: false,
      onWarning: fn,
    },
  ],
  [
    [
      'overlay',
      'base.img',
      '-o',
      'n7.img',
      '--mac',
      'a4:58:0f:00:00:07',
      '--add',
      'a:/etc/a',
      '--add',
      'b:/b',
    ],
    'overlay',
    {
      base: 'base.img',
      output: 'n7.img',
      mac: 'a4:58:0f:00:00:07',
      add: ['a:/etc/a', 'b:/b'],
      compress: 'gzip',
      baseCache: true,
    },
  ],
  [
    ['overlay', 'base.img', '--fleet', 'fleet.yaml', '--out-dir', 'segments', '--segment-only'],
    'fleet',
    {
      base: 'base.img',
      fleet: 'fleet.yaml',
      outDir: 'segments',
      segmentOnly: true,
      compress: 'gzip',
      baseCache: true,
      onNode: fn,
    },
  ],
];

describe('rock-image: argv -> options', () => {
  // A working directory without rock-image.yaml: create reads none.
  const cwd = mkdtempSync(join(tmpdir(), 'rock-image-options-'));

  it.each(TABLE)('%j calls %s with its options', async (argv, command, options) => {
    const { commands, calls } = recordCommands<ImageCommands>();
    const run = await runInProcess('rock-image', (c) => rockImageProgram(c, commands), argv, { cwd });
    expect(run.code).toBe(0);
    expect(calls).toEqual([{ command, options }]);
  });
});
