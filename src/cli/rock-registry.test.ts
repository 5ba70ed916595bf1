import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openClient, parseReference } from '../oci/index.js';
import { freshRepository, hostOf, testRegistries } from '../oci/test-support/test-registry.js';
import { createSigningKeyPair, signFile } from '../security/index.js';
import { testContext } from './context.js';
import { rockRegistryProgram } from './rock-registry.js';
import { runCli } from './run.js';

const registries = testRegistries();
let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-registry-cli-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function env(home = 'home'): NodeJS.ProcessEnv {
  return { ROCK_HOME: path.join(root, home), DOCKER_CONFIG: path.join(root, 'docker'), HOME: root };
}

async function cli(argv: string[], options: { home?: string; stdin?: string; env?: NodeJS.ProcessEnv } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
  const context = testContext({ cwd: root, env: { ...env(options.home), ...options.env }, io });
  const program = rockRegistryProgram(context, async () => options.stdin ?? '');
  const code = await runCli('rock-registry', program, argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function write(name: string, bytes: Buffer | string, mode = 0o755): string {
  const p = path.join(root, name);
  fs.writeFileSync(p, bytes, { mode });
  return p;
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

describe('rock-registry catalogue', () => {
  it('add, get (-o with its mode), list, search; the catalogue is $ROCK_HOME/registry.db, bytes in the cache', async () => {
    const bytes = Buffer.from('#!/bin/sh\necho init\n');
    write('rock-init', bytes);
    const added = await cli([
      'add',
      'rock-init',
      '--name',
      'rock-init',
      '--version',
      '1.4.2',
      '--role',
      'init',
      '--tag',
      'stable',
      '--meta',
      'arch=x86_64',
      '--json',
    ]);
    expect(added.code).toBe(0);
    expect(JSON.parse(added.out)).toEqual({
      name: 'rock-init',
      version: '1.4.2',
      type: 'component',
      digest: sha256(bytes),
      size: bytes.length,
      file: 'rock-init',
      role: 'init',
      dependencies: [],
      tags: ['stable'],
      metadata: { arch: 'x86_64' },
    });
    expect(fs.existsSync(path.join(root, 'home', 'registry.db'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'home', 'cache'))).toBe(true);

    const got = await cli(['get', 'rock-init@1.4.2', '-o', 'out-init']);
    expect(got.code).toBe(0);
    expect(got.out).toContain(`digest: ${sha256(bytes)}`);
    expect(fs.readFileSync(path.join(root, 'out-init')).equals(bytes)).toBe(true);
    expect(fs.statSync(path.join(root, 'out-init')).mode & 0o777).toBe(0o755);

    write('busybox', 'bb');
    await cli(['add', 'busybox', '--name', 'busybox', '--version', '1.36.1', '--role', 'busybox']);
    const list = await cli(['list']);
    expect(list.out.split('\n').map((l) => l.split('  ')[0])).toEqual(['busybox@1.36.1', 'rock-init@1.4.2']);
    expect(
      JSON.parse((await cli(['search', 'X86', '--json'])).out).map((c: { name: string }) => c.name),
    ).toEqual(['rock-init']);
  });

  it('refuses other bytes under an existing version (exit 1), bad names and roles (exit 2)', async () => {
    write('a', 'one');
    write('b', 'two');
    expect((await cli(['add', 'a', '--name', 'a', '--version', '1'])).code).toBe(0);
    expect((await cli(['add', 'a', '--name', 'a', '--version', '1'])).code).toBe(0); // same bytes: idempotent
    const taken = await cli(['add', 'b', '--name', 'a', '--version', '1']);
    expect(taken.code).toBe(1);
    expect(taken.err).toMatch(
      /^rock-registry: a@1: already in the registry with digest sha256:[0-9a-f]{64}, got sha256:[0-9a-f]{64} \(a version is immutable\)$/,
    );
    const name = await cli(['add', 'b', '--name', 'A/../x', '--version', '1']);
    expect(name.code).toBe(2);
    expect(name.err).toContain('component: name: expected 1-128 of [a-z0-9._-]');
    const role = await cli(['add', 'b', '--name', 'b', '--version', '1', '--role', 'kernel']);
    expect(role.err).toBe('rock-registry: role: expected one of init, manager, agent, busybox, got "kernel"');
  });

  it('deps: a diamond is a tree, a missing dependency is marked, a cycle is refused naming it', async () => {
    write('f', 'x');
    await cli(['add', 'f', '--name', 'libc', '--version', '1']);
    await cli(['add', 'f', '--name', 'ssl', '--version', '3', '--depends', 'libc@1']);
    await cli([
      'add',
      'f',
      '--name',
      'curl',
      '--version',
      '8',
      '--depends',
      'libc@1',
      '--depends',
      'ssl@3',
      '--depends',
      'zlib@1',
    ]);
    await cli(['add', 'f', '--name', 'agent', '--version', '2', '--depends', 'curl@8', '--depends', 'ssl@3']);
    const tree = await cli(['deps', 'agent@2']);
    expect(tree.code).toBe(0);
    expect(tree.out).toBe(
      [
        'agent@2',
        '├── curl@8',
        '│   ├── libc@1',
        '│   ├── ssl@3',
        '│   │   └── libc@1 (see above)',
        '│   └── zlib@1 (missing)',
        '└── ssl@3 (see above)',
      ].join('\n'),
    );
    await cli(['add', 'f', '--name', 'a', '--version', '1', '--depends', 'b@1']);
    await cli(['add', 'f', '--name', 'b', '--version', '1', '--depends', 'c@1']);
    const cycle = await cli(['add', 'f', '--name', 'c', '--version', '1', '--depends', 'a@1']);
    expect(cycle.code).toBe(1);
    expect(cycle.err).toBe('rock-registry: dependencies: cycle c@1 -> a@1 -> b@1 -> c@1');
    expect((await cli(['get', 'c@1'])).code).toBe(2); // the refused add left nothing
  });

  it('remove is refused while something depends on it', async () => {
    write('f', 'x');
    await cli(['add', 'f', '--name', 'libc', '--version', '1']);
    await cli(['add', 'f', '--name', 'ssl', '--version', '3', '--depends', 'libc@1']);
    const refused = await cli(['remove', 'libc@1']);
    expect(refused.code).toBe(2);
    expect(refused.err).toBe('rock-registry: libc@1: needed by ssl@3; remove those first');
    expect((await cli(['remove', 'ssl@3'])).code).toBe(0);
    expect((await cli(['remove', 'libc@1'])).code).toBe(0);
    expect((await cli(['list', '--json'])).out).toBe('[]');
  });

  it('export then import into an empty home gives the same catalogue and bytes', async () => {
    write('f', randomBytes(3000));
    write('g', 'kernel bytes', 0o644);
    await cli(['add', 'f', '--name', 'agent', '--version', '2', '--role', 'agent', '--depends', 'k@6']);
    await cli(['add', 'g', '--name', 'k', '--version', '6', '--type', 'kernel']);
    expect((await cli(['export', 'reg.tar'])).code).toBe(0);
    const first = fs.readFileSync(path.join(root, 'reg.tar'));
    await cli(['export', 'reg2.tar']);
    expect(fs.readFileSync(path.join(root, 'reg2.tar')).equals(first)).toBe(true); // reproducible
    const imported = await cli(['import', 'reg.tar', '--json'], { home: 'other' });
    expect(JSON.parse(imported.out)).toEqual({ components: 2, blobs: 2 });
    expect((await cli(['list', '--json'], { home: 'other' })).out).toBe((await cli(['list', '--json'])).out);
    await cli(['get', 'agent@2', '-o', 'agent-copy'], { home: 'other' });
    expect(fs.readFileSync(path.join(root, 'agent-copy')).equals(fs.readFileSync(path.join(root, 'f')))).toBe(
      true,
    );
  });

  it('import refuses a blob whose bytes are not its name, and catalogues nothing', async () => {
    write('f', 'original');
    await cli(['add', 'f', '--name', 'a', '--version', '1']);
    await cli(['export', 'reg.tar']);
    const tar = fs.readFileSync(path.join(root, 'reg.tar'));
    const at = tar.indexOf(Buffer.from('original'));
    tar[at] = 'O'.charCodeAt(0);
    fs.writeFileSync(path.join(root, 'bad.tar'), tar);
    const refused = await cli(['import', 'bad.tar'], { home: 'other' });
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(
      /blobs\/sha256\/[0-9a-f]{64}: expected bytes of sha256:[0-9a-f]{64}, got sha256:/,
    );
    expect((await cli(['list', '--json'], { home: 'other' })).out).toBe('[]');
  });
});

describe.skipIf(registries.anonymous === undefined)(
  'rock-registry against docker-registry 2.8 (ROCK_TEST_REGISTRY)',
  () => {
    const host = hostOf(registries.anonymous ?? 'http://x');
    const base = registries.anonymous ?? '';

    it('push then pull a component: plain GETs read the manifest and blob back; a second home gets the same bytes', async () => {
      const bytes = randomBytes(150_000);
      write('volcano-agent', bytes);
      await cli([
        'add',
        'volcano-agent',
        '--name',
        'volcano-agent',
        '--version',
        '2.1.0',
        '--role',
        'agent',
        '--depends',
        'busybox@1.36.1',
      ]);
      const repo = freshRepository('rock-test/cli');
      const pushed = await cli(['push', 'volcano-agent@2.1.0', `oci://${host}/${repo}`, '--json']);
      expect(pushed.code).toBe(0);
      const push = JSON.parse(pushed.out);
      expect(push.reference).toBe(`oci://${host}/${repo}:2.1.0`);

      const m = await fetch(`${base}/v2/${repo}/manifests/2.1.0`, {
        headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      const manifestBytes = Buffer.from(await m.arrayBuffer());
      expect(sha256(manifestBytes)).toBe(push.digest);
      const manifest = JSON.parse(manifestBytes.toString());
      expect(manifest.artifactType).toBe('application/vnd.rock-os.component.v1');
      expect(manifest.layers[0].annotations).toMatchObject({
        'org.opencontainers.image.title': 'volcano-agent',
        'io.rock-os.name': 'volcano-agent',
        'io.rock-os.version': '2.1.0',
        'io.rock-os.role': 'agent',
        'io.rock-os.contract-version': '1',
        'io.rock-os.sha256': sha256(bytes).slice(7),
        'io.rock-os.depends': 'busybox@1.36.1',
      });
      const blob = Buffer.from(
        await (await fetch(`${base}/v2/${repo}/blobs/${sha256(bytes)}`)).arrayBuffer(),
      );
      expect(blob.equals(bytes)).toBe(true);

      const again = JSON.parse(
        (await cli(['push', 'volcano-agent@2.1.0', `oci://${host}/${repo}`, '--json'])).out,
      );
      expect(again.uploaded).toEqual([]);

      const pulled = await cli(
        ['pull', `oci://${host}/${repo}@${push.digest}`, '--to', 'components', '--json'],
        { home: 'second' },
      );
      expect(pulled.code).toBe(0);
      expect(fs.readFileSync(path.join(root, 'components', 'volcano-agent')).equals(bytes)).toBe(true);
      const got = JSON.parse((await cli(['get', 'volcano-agent@2.1.0', '--json'], { home: 'second' })).out);
      expect(got).toMatchObject({
        role: 'agent',
        digest: sha256(bytes),
        dependencies: [{ name: 'busybox', version: '1.36.1' }],
      });

      const inspect = await cli(['inspect', `oci://${host}/${repo}:2.1.0`]);
      expect(inspect.out).toContain(`digest: ${push.digest}`);
      expect(inspect.out).toContain('io.rock-os.role: agent');
    });

    it('the same component gives the same manifest digest from another home, with SOURCE_DATE_EPOCH annotated', async () => {
      write('busybox', 'busybox bytes');
      const epoch = { SOURCE_DATE_EPOCH: '1700000000' };
      const digests: string[] = [];
      for (const home of ['h1', 'h2']) {
        await cli(['add', 'busybox', '--name', 'busybox', '--version', '1.36.1', '--role', 'busybox'], {
          home,
        });
        const r = await cli(
          ['push', 'busybox@1.36.1', `oci://${host}/${freshRepository('rock-test/repro')}`, '--json'],
          {
            home,
            env: epoch,
          },
        );
        expect(r.code).toBe(0);
        digests.push(JSON.parse(r.out).digest);
      }
      expect(digests[1]).toBe(digests[0]);
      const inspect = await cli(['inspect', `oci://${host}/rock-test/none@${digests[0]}`, '--json']);
      expect(inspect.code).toBe(2); // manifests are per repository: another one does not have it
      const fixed = `${host}/${freshRepository('rock-test/repro')}`;
      const push = await cli(['push', 'busybox@1.36.1', `oci://${fixed}:x`, '--json'], {
        home: 'h1',
        env: epoch,
      });
      const shown = JSON.parse((await cli(['inspect', `oci://${fixed}:x`, '--json'])).out);
      expect(shown.digest).toBe(JSON.parse(push.out).digest);
      expect(shown.manifest.layers[0].annotations).toMatchObject({
        'io.rock-os.source-date-epoch': '1700000000',
        'org.opencontainers.image.created': '2023-11-14T22:13:20.000Z',
      });
    });

    it('pull refuses a layer title that would leave --to (../), writing nothing; a plain title works', async () => {
      const payload = write('evil', 'payload');
      const sentinel = write('sentinel', 'unchanged', 0o644);
      const client = openClient(parseReference(`oci://${host}/x`), { env: {} });
      const push = async (title: string) => {
        const repo = freshRepository('rock-test/title');
        await client.pushArtifact(
          repo,
          {
            artifactType: 'application/vnd.rock-os.component.v1',
            layers: [
              {
                path: payload,
                mediaType: 'application/vnd.rock-os.file.v1',
                annotations: {
                  'org.opencontainers.image.title': title,
                  'io.rock-os.name': 'evil',
                  'io.rock-os.version': '1',
                },
              },
            ],
          },
          '1',
        );
        return `oci://${host}/${repo}:1`;
      };
      const refused = await cli(['pull', await push('../sentinel'), '--to', 'components']);
      expect(refused.code).toBe(2);
      expect(refused.err).toBe(
        'rock-registry: layer org.opencontainers.image.title: expected a plain file name, got "../sentinel"',
      );
      expect(fs.readFileSync(sentinel, 'utf8')).toBe('unchanged');
      expect(fs.existsSync(path.join(root, 'components'))).toBe(false);
      expect((await cli(['list', '--json'])).out).toBe('[]');
      const fine = await cli(['pull', await push('evil.bin'), '--to', 'components']);
      expect(fine.code).toBe(0);
      expect(fs.readFileSync(path.join(root, 'components', 'evil.bin'), 'utf8')).toBe('payload');
    });

    it('push-image and pull-image with its signature, verified with --pub; a wrong key writes nothing', async () => {
      const image = randomBytes(400_000);
      write('initrd.img', image, 0o644);
      await createSigningKeyPair(path.join(root, 'rock.key'), path.join(root, 'rock.pub'));
      await signFile(path.join(root, 'initrd.img'), path.join(root, 'rock.key'), { timestamp: 0 });
      await createSigningKeyPair(path.join(root, 'other.key'), path.join(root, 'other.pub'));
      const repo = freshRepository('rock-test/image');
      const pushed = await cli(['push-image', 'initrd.img', `oci://${host}/${repo}:1.0`, '--json']);
      expect(pushed.out).not.toContain('"error"');
      expect(pushed.code).toBe(0);
      const push = JSON.parse(pushed.out);
      expect(push.signature.reference).toBe(`oci://${host}/${repo}:${push.digest.replace(':', '-')}.sig`);

      const pulled = await cli([
        'pull-image',
        `oci://${host}/${repo}:1.0`,
        '-o',
        'got.img',
        '--pub',
        'rock.pub',
        '--json',
      ]);
      expect(pulled.out).not.toContain('"error"');
      expect(pulled.code).toBe(0);
      expect(JSON.parse(pulled.out)).toMatchObject({ imageDigest: sha256(image), digest: push.digest });
      expect(fs.readFileSync(path.join(root, 'got.img')).equals(image)).toBe(true);
      expect(
        fs
          .readFileSync(path.join(root, 'got.img.minisig'))
          .equals(fs.readFileSync(path.join(root, 'initrd.img.minisig'))),
      ).toBe(true);

      const wrong = await cli([
        'pull-image',
        `oci://${host}/${repo}:1.0`,
        '-o',
        'wrong.img',
        '--pub',
        'other.pub',
      ]);
      expect(wrong.err).toContain('wrong.img.minisig: key id: expected');
      expect(wrong.code).toBe(1);
      expect(fs.readdirSync(root).filter((f) => f.includes('wrong'))).toEqual([]);
    });

    it.skipIf(registries.storage === undefined)(
      'pull-image refuses a blob tampered with in the registry, naming it, and writes nothing',
      async () => {
        const image = randomBytes(10_000);
        write('t.img', image, 0o644);
        const repo = freshRepository('rock-test/tampered');
        expect((await cli(['push-image', 't.img', `oci://${host}/${repo}:1`])).code).toBe(0);
        const hex = sha256(image).slice(7);
        const stored = path.join(
          registries.storage ?? '',
          'docker/registry/v2/blobs/sha256',
          hex.slice(0, 2),
          hex,
          'data',
        );
        const b = fs.readFileSync(stored);
        b[0] = (b[0] ?? 0) ^ 1;
        fs.writeFileSync(stored, b);
        const pulled = await cli(['pull-image', `oci://${host}/${repo}:1`, '-o', 'out.img']);
        expect(pulled.code).toBe(1);
        expect(pulled.err).toMatch(
          new RegExp(
            `^rock-registry: blob t\\.img: digest: expected sha256:${hex}, got sha256:[0-9a-f]{64}$`,
          ),
        );
        expect(fs.readdirSync(root).filter((f) => f.includes('out.img'))).toEqual([]);
      },
    );
  },
);

describe.skipIf(registries.auth === undefined)(
  'rock-registry login against htpasswd (ROCK_TEST_REGISTRY_AUTH)',
  () => {
    const auth = registries.auth ?? { url: 'http://x', username: '', password: '' };
    const host = hostOf(auth.url);

    it('wrong password: refused with a clear message, config.json not written; right one: stored, then used, then logout', async () => {
      const wrong = await cli(['login', host, '-u', auth.username, '--password-stdin'], {
        stdin: 'not-the-password\n',
      });
      expect(wrong.code).toBe(2);
      expect(wrong.err).toBe(
        `rock-registry: ${host}: credentials of user ${auth.username} (from the password given on stdin) refused for GET /v2/`,
      );
      expect(wrong.err + wrong.out).not.toContain('not-the-password');
      expect(fs.existsSync(path.join(root, 'docker', 'config.json'))).toBe(false);

      const right = await cli(['login', host, '-u', auth.username, '--password-stdin'], {
        stdin: `${auth.password}\n`,
      });
      expect(right.code).toBe(0);
      expect(right.out + right.err).not.toContain(auth.password);
      const config = JSON.parse(fs.readFileSync(path.join(root, 'docker', 'config.json'), 'utf8'));
      expect(Buffer.from(config.auths[host].auth, 'base64').toString()).toBe(
        `${auth.username}:${auth.password}`,
      );

      write('f', 'payload');
      await cli(['add', 'f', '--name', 'a', '--version', '1']);
      expect((await cli(['push', 'a@1', `oci://${host}/${freshRepository('rock-test/login')}`])).code).toBe(
        0,
      );

      expect((await cli(['logout', host])).code).toBe(0);
      expect(JSON.parse(fs.readFileSync(path.join(root, 'docker', 'config.json'), 'utf8'))).toEqual({
        auths: {},
      });
      const denied = await cli(['push', 'a@1', `oci://${host}/${freshRepository('rock-test/login')}`]);
      expect(denied.code).toBe(2);
      expect(denied.err).toContain('the registry requires credentials and none are stored');
    });
  },
);
