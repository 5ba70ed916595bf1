import { beforeEach, describe, expect, it, vi } from 'vitest';
import { testContext } from './context.js';
import { rockRegistryProgram } from './rock-registry.js';
import { runCli } from './run.js';

// Each argv maps onto exactly these library options (the library is replaced; its own tests are
// elsewhere). The context is passed through untouched.
const calls: { fn: string; options: unknown }[] = [];
vi.mock('../registry/index.js', async (original) => {
  const real = await original<typeof import('../registry/index.js')>();
  const record =
    (fn: string, result: unknown) =>
    async (options: unknown): Promise<unknown> => {
      calls.push({ fn, options });
      return result;
    };
  const component = {
    name: 'a',
    version: '1',
    type: 'component',
    digest: 'sha256:x',
    size: 1,
    file: 'a',
    dependencies: [],
    tags: [],
    metadata: {},
  };
  return {
    ...real,
    addComponent: record('addComponent', component),
    pushComponent: record('pushComponent', { reference: 'r', digest: 'd', uploaded: [], skipped: [] }),
    pullComponent: record('pullComponent', { reference: 'r', digest: 'd', component }),
    pullImage: record('pullImage', { reference: 'r', digest: 'd', output: 'o', imageDigest: 'i', size: 1 }),
    login: record('login', { host: 'h', username: 'u', file: 'f' }),
  };
});

beforeEach(() => {
  calls.length = 0;
});

async function parse(argv: string[], stdin = '') {
  const io = { out: () => {}, err: () => {} };
  const code = await runCli(
    'rock-registry',
    rockRegistryProgram(testContext({ io }), async () => stdin),
    argv,
    io,
  );
  return { code, calls: [...calls] };
}

describe('rock-registry argv -> options', () => {
  it.each([
    [
      [
        'add',
        'f',
        '--name',
        'a',
        '--version',
        '1',
        '--role',
        'init',
        '--depends',
        'b@2',
        '--depends',
        'c@3',
        '--tag',
        't',
        '--meta',
        'k=v=w',
      ],
      'addComponent',
      {
        file: 'f',
        name: 'a',
        version: '1',
        type: 'component',
        role: 'init',
        dependencies: [
          { name: 'b', version: '2' },
          { name: 'c', version: '3' },
        ],
        tags: ['t'],
        metadata: { k: 'v=w' },
      },
    ],
    [
      ['push', 'a@1', 'oci://h/r', '--insecure'],
      'pushComponent',
      { name: 'a', version: '1', target: 'oci://h/r', insecure: true },
    ],
    [
      ['pull', 'oci://h/r:1', '--to', 'd'],
      'pullComponent',
      { source: 'oci://h/r:1', insecure: undefined, to: 'd' },
    ],
    [
      ['pull-image', 'oci://h/r:1', '-o', 'x.img', '--pub', 'k.pub'],
      'pullImage',
      { source: 'oci://h/r:1', output: 'x.img', insecure: undefined, publicKey: 'k.pub' },
    ],
  ])('%j', async (argv, fn, options) => {
    const r = await parse(argv as string[]);
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([{ fn, options }]);
  });

  it('login takes the password from stdin, one trailing newline dropped', async () => {
    const r = await parse(['login', 'h:5000', '-u', 'ci', '--password-stdin'], 'pa ss\n');
    expect(r.calls).toEqual([
      { fn: 'login', options: { host: 'h:5000', username: 'ci', password: 'pa ss', insecure: undefined } },
    ]);
  });

  it('a bad --depends or --meta is a usage error before the library is called', async () => {
    expect((await parse(['add', 'f', '--name', 'a', '--version', '1', '--depends', 'nover'])).code).toBe(2);
    expect((await parse(['add', 'f', '--name', 'a', '--version', '1', '--meta', 'novalue'])).code).toBe(2);
    expect(calls).toEqual([]);
  });
});
