import { describe, expect, it } from 'vitest';
import type { MacCommands } from '../mac/index.js';
import { rockMacProgram } from './rock-mac.js';
import { recordCommands } from './test-support/record-commands.js';
import { runInProcess } from './test-support/run-in-process.js';

/** argv -> the command called and the options it got (the flag mapping, nothing run). */
const TABLE: [string[], string, unknown][] = [
  [['init'], 'init', {}],
  [['--db', 'x.db', '--config', 'p.yaml', 'stats'], 'stats', { db: 'x.db', config: 'p.yaml' }],
  [['allocate'], 'allocate', { pool: 'development', deviceType: 'qemu-vm', forceNew: false }],
  [
    [
      'allocate',
      '--pool',
      'production',
      '--device',
      'n1',
      '--type',
      'metal',
      '--metadata',
      '{"a":1}',
      '--new',
    ],
    'allocate',
    { pool: 'production', deviceId: 'n1', deviceType: 'metal', metadata: '{"a":1}', forceNew: true },
  ],
  [['list'], 'list', { statuses: ['active'] }],
  [['list', '--status', 'all', '--pool', 'p', '--limit', '5'], 'list', { pool: 'p', limit: 5 }],
  [['show', 'node-7'], 'show', { target: 'node-7' }],
  [['release', 'a4:58:0f:00:00:01', '--force'], 'release', { target: 'a4:58:0f:00:00:01', force: true }],
  [
    ['reserve', '--mac', 'a4:58:0f:ff:00:10', '--device', 'sw'],
    'reserve',
    { mac: 'a4:58:0f:ff:00:10', deviceId: 'sw', deviceType: 'qemu-vm' },
  ],
  [['cleanup', '--dry-run', '--days', '7'], 'cleanup', { dryRun: true, days: 7 }],
  [['export', '--status', 'released'], 'list', { statuses: ['released'] }],
  [['audit'], 'audit', { limit: 50 }],
];

describe('rock-mac: argv -> options', () => {
  it.each(TABLE)('%j calls %s with its options', async (argv, command, options) => {
    const { commands, calls } = recordCommands<MacCommands>();
    const run = await runInProcess('rock-mac', (c) => rockMacProgram(c, commands), argv);
    expect(run.code).toBe(0);
    expect(calls).toEqual([{ command, options }]);
  });
});
