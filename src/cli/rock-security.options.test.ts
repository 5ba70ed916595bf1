import { describe, expect, it } from 'vitest';
import type { SecurityCommands } from '../security/index.js';
import { rockSecurityProgram } from './rock-security.js';
import { recordCommands } from './test-support/record-commands.js';
import { runInProcess } from './test-support/run-in-process.js';

/** argv -> the command called and the options it got (the flag mapping, nothing run). */
const TABLE: [string[], string, unknown][] = [
  [['keygen'], 'keygen', {}],
  [['keygen', '-o', 'K', '--force'], 'keygen', { output: 'K', force: true }],
  [['keygen', '--output', 'K'], 'keygen', { output: 'K' }],
  [['keygen', '--out', 'K'], 'keygen', { output: 'K' }], // the older spelling, kept as a hidden alias
  [
    ['keygen', '--sign', '--out', 's.key', '--pub', 'p.pub'],
    'keygenSigning',
    { output: 's.key', pub: 'p.pub' },
  ],
  [['encrypt', 'a', '-o', 'b', '--key', 'K'], 'encrypt', { input: 'a', output: 'b', key: 'K' }],
  [['decrypt', 'a', '--output', 'b', '--key', 'K'], 'decrypt', { input: 'a', output: 'b', key: 'K' }],
  [
    ['sign', 'f', '--key', 's.key', '-x', 'f.sig', '--legacy', '-t', 'hello'],
    'sign',
    { file: 'f', key: 's.key', signature: 'f.sig', legacy: true, trustedComment: 'hello' },
  ],
  [
    ['verify', 'f', '--pub', 'p', '--require-prehashed'],
    'verify',
    { file: 'f', pub: 'p', requirePrehashed: true },
  ],
  [['hash', 'a', 'b'], 'hash', { files: ['a', 'b'], algo: 'sha256' }],
  [['hash', '--algo', 'sha512', 'a'], 'hash', { files: ['a'], algo: 'sha512' }],
  [['check'], 'check', { target: '.' }],
  [['check', 'img', '--strict'], 'check', { target: 'img', strict: true }],
  [['rotate', '--key', 'K'], 'rotate', { key: 'K' }],
  [['rotate', '--key', 'K', '--dir', 'a', '--dir', 'b'], 'rotate', { key: 'K', dirs: ['a', 'b'] }],
];

describe('rock-security: argv -> options', () => {
  it.each(TABLE)('%j calls %s with its options', async (argv, command, options) => {
    const { commands, calls } = recordCommands<SecurityCommands>();
    const run = await runInProcess('rock-security', (c) => rockSecurityProgram(c, commands), argv);
    expect(run.code).toBe(0);
    expect(calls).toEqual([{ command, options }]);
  });
});
