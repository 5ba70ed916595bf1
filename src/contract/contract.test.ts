import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  archiveName,
  BOOT_PARAMS,
  BUSYBOX_APPLETS,
  COMPONENTS,
  CONFIG_KEY_MODES,
  CONFIG_KEY_PATH,
  DEVICE_NODES,
  DIRECTORIES,
  INIT_LINK,
  INIT_PATH,
  NODE_CONFIG_PATH,
} from './index.js';

describe('the integration contract', () => {
  it('lays rock-init at /sbin/init (renamed, never /sbin/rock-init) and the services at their paths', () => {
    expect(COMPONENTS.map((c) => [c.component, c.path, c.mode.toString(8)])).toEqual([
      ['rock-init', '/sbin/init', '755'],
      ['rock-manager', '/usr/bin/rock-manager', '755'],
      ['volcano-agent', '/usr/bin/volcano-agent', '755'],
      ['busybox', '/bin/busybox', '755'],
    ]);
    expect(INIT_PATH).toBe('/sbin/init');
  });

  it('boots through both routes: the /init link and rdinit= on the command line', () => {
    expect(INIT_LINK).toEqual({ path: '/init', target: 'sbin/init' });
    expect(BOOT_PARAMS).toEqual(['init=/sbin/init', 'rdinit=/sbin/init']);
  });

  it('keeps the key owner-only and the configs under /config', () => {
    expect(CONFIG_KEY_PATH).toBe('/config/CONFIG_KEY');
    expect(NODE_CONFIG_PATH).toBe('/config/node.yaml');
    for (const mode of CONFIG_KEY_MODES) expect(mode & 0o077).toBe(0);
  });

  it('lists the device nodes with their kernel numbers', () => {
    const byPath = Object.fromEntries(
      DEVICE_NODES.map((d) => [d.path, `${d.major}:${d.minor} ${d.mode.toString(8)}`]),
    );
    expect(byPath).toEqual({
      '/dev/null': '1:3 666',
      '/dev/zero': '1:5 666',
      '/dev/random': '1:8 666',
      '/dev/urandom': '1:9 666',
      '/dev/tty': '5:0 666',
      '/dev/ptmx': '5:2 666',
      '/dev/console': '5:1 600',
    });
  });

  it('has the standard directories, sh among the applets, and no duplicates anywhere', () => {
    const dirs = DIRECTORIES.map((d) => d.path);
    for (const d of [
      '/proc',
      '/sys',
      '/dev',
      '/tmp',
      '/run',
      '/var/log',
      '/sbin',
      '/bin',
      '/usr/bin',
      '/config',
      '/etc/rock',
    ]) {
      expect(dirs).toContain(d);
    }
    expect(new Set(dirs).size).toBe(dirs.length);
    expect(BUSYBOX_APPLETS).toContain('sh');
    expect(new Set(BUSYBOX_APPLETS).size).toBe(BUSYBOX_APPLETS.length);
  });

  it('names archive members without the leading slash', () => {
    expect(archiveName('/sbin/init')).toBe('sbin/init');
    expect(archiveName('//etc/rock')).toBe('etc/rock');
  });
});

describe('one module holds the contract', () => {
  // Library code must import contract paths, never spell them: a change to rock-init is then a
  // change to src/contract alone. Tests may pin literals; the contract folder defines them.
  const src = join(fileURLToPath(new URL('.', import.meta.url)), '..');
  const literals = [
    ...COMPONENTS.map((c) => c.path),
    CONFIG_KEY_PATH,
    NODE_CONFIG_PATH,
    '/etc/rock',
    'sbin/init',
    ...DEVICE_NODES.map((d) => d.path),
  ];

  function libraryFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        return ['contract', 'test-support', 'hostile', 'test-data'].includes(name) ? [] : libraryFiles(path);
      }
      return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
    });
  }

  it('has no contract path literal outside src/contract', () => {
    const offenders: string[] = [];
    for (const file of libraryFiles(src)) {
      // Comments may name the paths (they explain the kernel's rules); code may not.
      const text = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      for (const literal of literals) {
        if (text.includes(`'${literal}'`) || text.includes(`"${literal}"`) || text.includes(`\`${literal}`)) {
          offenders.push(`${relative(src, file)}: ${literal}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
