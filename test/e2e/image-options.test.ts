// rock-image create's wiring to the other tools, end to end: --sign and rock-verify --pub (and
// Debian's minisign agreeing), --mac into the node config, --config placement, and --kernel and
// --modules against a kernel added to a store with rock-kernel.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir, repoRoot } from '../../src/qemu/test-support/test-kernel.js';
import { componentFlags, runTool } from '../support/cli.js';

let work: string;
let env: NodeJS.ProcessEnv;

const NODE_YAML = [
  '# node config',
  'node_id: e2e-7',
  'hostname: e2e-7',
  'role: worker',
  'network:',
  '  interface: eth0',
  'volcano:',
  '  server_url: https://volcano.example.com:8443',
  '  agent_id: e2e-7',
  '',
].join('\n');

function components(): string[] {
  const fx = fixturesDir();
  return [...componentFlags(fx), '-q'];
}

function kernelDeb(): string {
  const dir = join(repoRoot, '.cache', 'kernel');
  const deb = readdirSync(dir).find((n) => n.startsWith('linux-image-') && n.endsWith('.deb'));
  if (!deb) throw new Error(`no kernel .deb in ${dir}: run scripts/fetch-kernel.sh`);
  return join(dir, deb);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'rock-opts-'));
  env = { ROCK_HOME: join(work, 'home') };
  writeFileSync(join(work, 'node.yaml'), NODE_YAML);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('rock-image create --sign and rock-verify --pub', () => {
  it('signs the image; rock-verify and minisign accept it; a changed image is refused', () => {
    const key = join(work, 'sign.key');
    expect(runTool('rock-security', ['keygen', '--sign', '--out', key]).status).toBe(0);
    const pub = join(work, 'sign.pub');
    const img = join(work, 'signed.img');
    const run = runTool('rock-image', ['create', ...components(), '--sign', key, '-o', img]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`signed: ${img}.minisig`);

    expect(runTool('rock-verify', ['integration', img, '--pub', pub]).status).toBe(0);
    const minisign = spawnSync('minisign', ['-V', '-p', pub, '-m', img], { encoding: 'utf8' });
    expect(minisign.status, minisign.stderr).toBe(0);
    expect(minisign.stdout).toContain('file:signed.img');

    appendFileSync(img, Buffer.alloc(4));
    const tampered = runTool('rock-verify', ['integration', img, '--pub', pub, '--json']);
    expect(tampered.status).toBe(1);
    const report = JSON.parse(tampered.stdout) as { failures: { rule: string }[] };
    expect(report.failures.map((f) => f.rule)).toContain('signature.invalid');
  });

  it('fails --pub when the image has no signature', () => {
    const img = join(work, 'unsigned.img');
    expect(runTool('rock-image', ['create', ...components(), '-o', img]).status).toBe(0);
    const key = join(work, 'sign.pub');
    const run = runTool('rock-verify', ['integration', img, '--pub', key]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('unsigned.img.minisig: signature: expected a minisign signature');
  });
});

describe('rock-image create --mac and --config', () => {
  it('writes the MAC into /config/node.yaml, keeping the file as written otherwise', () => {
    const img = join(work, 'mac.img');
    const run = runTool('rock-image', [
      'create',
      ...components(),
      '--node-config',
      join(work, 'node.yaml'),
      '--mac',
      'A4:58:0F:01:00:2A',
      '-o',
      img,
    ]);
    expect(run.status, run.stderr).toBe(0);
    const out = join(work, 'mac-out');
    expect(runTool('rock-image', ['extract', img, out]).status).toBe(0);
    const yaml = readFileSync(join(out, 'config', 'node.yaml'), 'utf8');
    expect(yaml).toContain('  mac: a4:58:0f:01:00:2a');
    expect(yaml.startsWith('# node config\n')).toBe(true);
  });

  it('refuses a malformed MAC and --mac without a node config, exit 2, writing nothing', () => {
    const img = join(work, 'bad-mac.img');
    const bad = runTool('rock-image', [
      'create',
      ...components(),
      '--node-config',
      join(work, 'node.yaml'),
      '--mac',
      'a4:58:0f:01:00',
      '-o',
      img,
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(
      'rock-image: --mac: expected a MAC address like a4:58:0f:00:00:01, got "a4:58:0f:01:00"\n',
    );
    const none = runTool('rock-image', ['create', ...components(), '--mac', 'a4:58:0f:01:00:2a', '-o', img]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('--node-config');
    expect(readdirSync(work)).not.toContain('bad-mac.img');
  });

  it('places --config files under /etc/rock with mode 0644 and refuses other destinations', () => {
    const extra = join(work, 'extra.yaml');
    writeFileSync(extra, 'x: 1\n');
    const img = join(work, 'config.img');
    const run = runTool('rock-image', [
      'create',
      ...components(),
      '--config',
      `${extra}:/etc/rock/extra.yaml`,
      '-o',
      img,
    ]);
    expect(run.status, run.stderr).toBe(0);
    const line = runTool('rock-image', ['ls', '-l', img])
      .stdout.split('\n')
      .find((l) => l.endsWith(' etc/rock/extra.yaml'));
    expect(line).toMatch(/^-rw-r--r-- /);
    const bad = runTool('rock-image', [
      'create',
      ...components(),
      '--config',
      `${extra}:/usr/bin/extra.yaml`,
      '-o',
      img,
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('rock-image create --kernel and --modules', () => {
  it('checks the image against the stored kernel and carries the module closure', () => {
    const added = runTool('rock-kernel', ['add', kernelDeb(), '--json'], { env });
    expect(added.status, added.stderr).toBe(0);
    const name = (JSON.parse(added.stdout) as { meta: { name: string } }).meta.name;

    // Debian's cloud kernel has virtio_net as a module: an image without it cannot bring up the NIC.
    const missing = runTool(
      'rock-image',
      ['create', ...components(), '--kernel', name, '-o', join(work, 'k0.img')],
      { env },
    );
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('VIRTIO_NET');

    const img = join(work, 'k1.img');
    const run = runTool(
      'rock-image',
      ['create', ...components(), '--kernel', name, '--modules', 'virtio_net', 'virtio_pci', '-o', img],
      { env },
    );
    expect(run.status, run.stderr).toBe(0);
    const names = runTool('rock-image', ['ls', img]).stdout.split('\n');
    // At /lib/modules/<release>/, which is /usr/lib/modules/... behind Debian's lib -> usr/lib link
    // that the agent's libraries bring along.
    expect(
      names.some((n) => /^(usr\/)?lib\/modules\/[^/]+\/kernel\/drivers\/net\/virtio_net\.ko$/.test(n)),
    ).toBe(true);
    expect(names.some((n) => /^(usr\/)?lib\/modules\/[^/]+\/modules\.dep$/.test(n))).toBe(true);

    const orphan = runTool('rock-image', ['create', ...components(), '--modules', 'virtio_net', '-o', img], {
      env,
    });
    expect(orphan.status).toBe(2);
    expect(orphan.stderr).toContain('--kernel');
    // GNU cpio reads the module image too.
    expect(
      execFileSync('sh', ['-c', `gzip -dc '${img}' | cpio -it --quiet | grep -c virtio`], {
        encoding: 'utf8',
      }).trim(),
    ).not.toBe('0');
  });
});

describe('rock-image create --config-key is checked up front', () => {
  const KEY = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n';

  it('warns (stderr, not fatal) about a key group or others can read, with the mode found', () => {
    const key = join(work, 'loose-key');
    writeFileSync(key, KEY, { mode: 0o644 });
    spawnSync('chmod', ['0644', key]);
    const run = runTool('rock-image', [
      'create',
      ...components(),
      '--config-key',
      key,
      '-o',
      join(work, 'loose.img'),
    ]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(
      `rock-image: warning: ${key}: mode 0644 lets group or others read the key (chmod 600 ${key}); the image holds it with mode 0400\n`,
    );
    expect(run.stdout).not.toContain(KEY.trim());
  });

  it('refuses a 0-byte or malformed key naming the input file, exit 2, before building', () => {
    for (const [name, content, found] of [
      ['empty-key', '', 'got 0 bytes'],
      ['short-key', 'c2hvcnQ=\n', 'got 9 bytes'],
    ] as const) {
      const key = join(work, name);
      writeFileSync(key, content, { mode: 0o600 });
      const out = join(work, `${name}.img`);
      const run = runTool('rock-image', ['create', ...components(), '--config-key', key, '-o', out]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`^rock-image: ${key}: expected a config key .*, ${found}\\n$`));
      expect(run.stderr).not.toContain('/config/CONFIG_KEY');
      expect(readdirSync(work).filter((f) => f.includes(`${name}.img`))).toEqual([]);
    }
  });
});
