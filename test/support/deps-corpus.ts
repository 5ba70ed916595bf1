/**
 * The corpus of the verify-vs-boot differential test: the good image (contract layout plus the
 * agent's dynamic-loading closure taken from the build host) and one subtle breakage per case, each
 * with what rock-verify must say and what the boot must show.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type Info, newInfo, type WriteEntry } from '../../src/cpio/index.js';
import {
  headersEnd,
  loadedEnd,
  withClass32,
  withMachine,
  withNeededVersion,
} from '../../src/elf/test-support/elf-edit.js';

/** What one case expects. */
export interface DiffCase {
  id: string;
  /** One line: what was broken (or changed harmlessly). */
  change: string;
  /** 'pass', or the rule ids rock-verify must report among its failures. */
  verify: 'pass' | string[];
  /** Whether the boot must start every service. */
  boot: 'pass' | 'fail';
  /** For a failing boot: a console line that shows it failed for this case's reason. */
  console?: RegExp;
  /** Whether rock-verify must also give no `deps.*` warning (a loader match it must model). */
  noDepsWarnings?: boolean;
  /** Builds the image's entries from a fresh copy of the good image's. */
  edit: (entries: WriteEntry[], ctx: EditContext) => WriteEntry[];
}

/** What an edit may use besides the entries. */
export interface EditContext {
  /** A scratch directory for files the edit makes (an ld.so.cache root, ...). */
  scratch: string;
  /** The volcano-agent fixture on the host. */
  agent: string;
  /** A host zlib (`libz.so.1`): a real library that is not the one asked for. */
  zlib: string;
}

const AGENT = 'usr/bin/volcano-agent';

/** The name of the entry whose base name is `base` and whose type is `type`; throws when there is none. */
export function named(entries: WriteEntry[], base: string, type: Info['type'] = 'file'): string {
  const hit = entries.find((e) => basename(e.info.name) === base && e.info.type === type);
  if (!hit) throw new Error(`the good image has no ${type} named ${base}`);
  return hit.info.name;
}

/** The bytes of an entry of the good image: the host file of the same path (depsEntries keeps paths). */
function hostBytes(name: string): Uint8Array {
  return readFileSync(`/${name}`);
}

function withContent(entries: WriteEntry[], name: string, data: Uint8Array): WriteEntry[] {
  return entries.map((e) =>
    e.info.name === name ? { info: { ...e.info, size: data.length }, content: data } : e,
  );
}

function withPerm(entries: WriteEntry[], name: string, perm: number): WriteEntry[] {
  return entries.map((e) => (e.info.name === name ? { ...e, info: { ...e.info, perm } } : e));
}

function without(entries: WriteEntry[], name: string): WriteEntry[] {
  const kept = entries.filter((e) => e.info.name !== name);
  if (kept.length === entries.length) throw new Error(`no entry ${name} to remove`);
  return kept;
}

function moved(entries: WriteEntry[], name: string, to: string): WriteEntry[] {
  return entries.map((e) => (e.info.name === name ? { ...e, info: { ...e.info, name: to } } : e));
}

function file(name: string, data: Uint8Array, perm = 0o644): WriteEntry {
  return { info: newInfo(name, 'file', perm, { size: data.length }), content: data };
}

function symlink(name: string, target: string): WriteEntry {
  return { info: newInfo(name, 'symlink', 0o777, { linkTarget: target, size: Buffer.byteLength(target) }) };
}

function dirOf(name: string): string {
  return name.slice(0, name.lastIndexOf('/'));
}

/**
 * An ld.so.cache made by the host's own ldconfig for a root holding `libs` (name → bytes) and an
 * ld.so.conf listing `dirs`: the file a distribution's ldconfig would leave in /etc.
 */
function ldconfigCache(scratch: string, libs: Record<string, Uint8Array>, dirs: string[]): Uint8Array {
  const root = join(scratch, 'ldconfig-root');
  mkdirSync(join(root, 'etc'), { recursive: true });
  for (const [name, data] of Object.entries(libs)) {
    mkdirSync(join(root, dirOf(name)), { recursive: true });
    writeFileSync(join(root, name), data);
  }
  writeFileSync(join(root, 'etc/ld.so.conf'), `${dirs.join('\n')}\n`);
  const ldconfig = existsSync('/sbin/ldconfig') ? '/sbin/ldconfig' : 'ldconfig';
  execFileSync(ldconfig, ['-r', root, '-X'], { stdio: 'pipe' });
  return readFileSync(join(root, 'etc/ld.so.cache'));
}

/** The loader's words when no candidate of a library could be opened. */
function notFound(lib: string): RegExp {
  return new RegExp(
    `error while loading shared libraries: ${lib.replaceAll('.', '\\.')}: cannot open shared object file`,
  );
}
/** A truncated library is mapped anyway; the first touch past its end is SIGBUS (7), before main. */
const SIGBUS = /ROCK-INIT: volcano-agent killed signal=7/;

/** The corpus, the good image first. */
export const CASES: DiffCase[] = [
  {
    id: 'good',
    change: 'none: contract layout + the agent closure from the host',
    verify: 'pass',
    boot: 'pass',
    edit: (e) => e,
  },
  {
    id: 'crypto-half',
    change: 'libcrypto.so.3 truncated to half its size',
    verify: ['elf.corrupt'],
    boot: 'fail',
    console: SIGBUS,
    edit: (e) => {
      const name = named(e, 'libcrypto.so.3');
      const data = hostBytes(name);
      return withContent(e, name, data.subarray(0, Math.floor(data.length / 2)));
    },
  },
  {
    id: 'crypto-headers-only',
    change: 'libcrypto.so.3 cut just past its headers, dynamic section and strings (segments do not fit)',
    verify: ['elf.truncated'],
    boot: 'fail',
    console: SIGBUS,
    edit: (e) => {
      const name = named(e, 'libcrypto.so.3');
      const data = hostBytes(name);
      return withContent(e, name, data.subarray(0, headersEnd(data)));
    },
  },
  {
    id: 'ssl-is-libz',
    change: "libssl.so.3's path holds the host's libz.so.1",
    verify: ['deps.soname'],
    boot: 'fail',
    console: /libssl\.so\.3: version `OPENSSL_3\.0\.0' not found/,
    edit: (e, ctx) => withContent(e, named(e, 'libssl.so.3'), readFileSync(ctx.zlib)),
  },
  {
    id: 'ssl-missing',
    change: 'libssl.so.3 left out',
    verify: ['deps.missing'],
    boot: 'fail',
    console: notFound('libssl.so.3'),
    edit: (e) => without(e, named(e, 'libssl.so.3')),
  },
  {
    id: 'interp-missing',
    change: 'the ld-linux file left out, its symlinks kept (dangling)',
    verify: ['deps.missing', 'component.interpreter'],
    boot: 'fail',
    console: /volcano-agent exec failed: No such file or directory/,
    edit: (e) => without(e, named(e, 'ld-linux-x86-64.so.2')),
  },
  {
    id: 'interp-only-lib64',
    change:
      'the interpreter only at /lib64 (usr/lib64 holds the file, no copy in the search directories): ' +
      'every DT_NEEDED ld-linux-x86-64.so.2 is the loaded interpreter, matched by soname',
    verify: 'pass',
    noDepsWarnings: true,
    boot: 'pass',
    edit: (e) => {
      const real = named(e, 'ld-linux-x86-64.so.2');
      const link = 'usr/lib64/ld-linux-x86-64.so.2';
      return moved(
        e.filter((x) => x.info.name !== link),
        real,
        link,
      );
    },
  },
  {
    id: 'lib-link-missing',
    change: 'the lib -> usr/lib symlink left out (/lib64 link dangles through /lib)',
    verify: ['deps.missing', 'component.interpreter'],
    boot: 'fail',
    console: /volcano-agent exec failed: No such file or directory/,
    edit: (e) => without(e, named(e, 'lib', 'symlink')),
  },
  {
    id: 'libc-aarch64',
    change: 'libc.so.6 with e_machine patched to EM_AARCH64 (183)',
    verify: ['deps.missing'],
    boot: 'fail',
    console: /libc\.so\.6: cannot open shared object file: No such file or directory/,
    edit: (e) => {
      const name = named(e, 'libc.so.6');
      return withContent(e, name, withMachine(hostBytes(name), 183));
    },
  },
  {
    id: 'libc-class32',
    change: 'libc.so.6 with EI_CLASS patched to ELFCLASS32',
    verify: ['deps.missing'],
    boot: 'fail',
    console: /libc\.so\.6: wrong ELF class: ELFCLASS32/,
    edit: (e) => {
      const name = named(e, 'libc.so.6');
      return withContent(e, name, withClass32(hostBytes(name)));
    },
  },
  {
    id: 'libc-loop',
    change: 'libc.so.6 replaced by a symlink loop (libc.so.6 -> libc.so.6.loop -> libc.so.6)',
    verify: ['deps.missing'],
    boot: 'fail',
    console: notFound('libc.so.6'),
    edit: (e) => {
      const name = named(e, 'libc.so.6');
      return [...without(e, name), symlink(name, 'libc.so.6.loop'), symlink(`${name}.loop`, 'libc.so.6')];
    },
  },
  {
    id: 'ssl-in-opt',
    change: 'libssl.so.3 only in /opt/lib (not searched), with an /etc/ld.so.conf naming it but no cache',
    verify: ['deps.missing'],
    boot: 'fail',
    console: notFound('libssl.so.3'),
    edit: (e) => [
      ...moved(e, named(e, 'libssl.so.3'), 'opt/lib/libssl.so.3'),
      file('etc/ld.so.conf', Buffer.from('/opt/lib\n')),
    ],
  },
  {
    id: 'ssl-in-opt-cached',
    change: 'libssl.so.3 only in /opt/lib, found through an ld.so.cache built by ldconfig',
    verify: 'pass',
    boot: 'pass',
    edit: (e, ctx) => {
      const name = named(e, 'libssl.so.3');
      const cache = ldconfigCache(ctx.scratch, { 'opt/lib/libssl.so.3': hostBytes(name) }, ['/opt/lib']);
      return [
        ...moved(e, name, 'opt/lib/libssl.so.3'),
        file('etc/ld.so.conf', Buffer.from('/opt/lib\n')),
        file('etc/ld.so.cache', cache),
      ];
    },
  },
  {
    id: 'extra-libs',
    change: 'harmless: libz.so.1 added beside the libraries, and a copy of libssl under another name',
    verify: 'pass',
    boot: 'pass',
    edit: (e, ctx) => {
      const ssl = named(e, 'libssl.so.3');
      return [
        ...e,
        file(`${dirOf(ssl)}/libz.so.1`, readFileSync(ctx.zlib)),
        file(`${dirOf(ssl)}/libssl-copy.so.3`, hostBytes(ssl)),
      ];
    },
  },
  {
    id: 'crypto-no-shdrs',
    change: 'harmless: libcrypto.so.3 cut right after its last PT_LOAD byte (section headers gone)',
    verify: 'pass',
    boot: 'pass',
    edit: (e) => {
      const name = named(e, 'libcrypto.so.3');
      const data = hostBytes(name);
      return withContent(e, name, data.subarray(0, loadedEnd(data)));
    },
  },
  {
    id: 'libs-not-executable',
    change: 'harmless: libc.so.6 mode 0644 and libcrypto.so.3 mode 0400 (the loader only reads them)',
    verify: 'pass',
    boot: 'pass',
    edit: (e) => withPerm(withPerm(e, named(e, 'libc.so.6'), 0o644), named(e, 'libcrypto.so.3'), 0o400),
  },
  {
    id: 'agent-0644',
    change: 'volcano-agent with mode 0644',
    verify: ['component.mode'],
    boot: 'fail',
    console: /volcano-agent exec failed: Permission denied/,
    edit: (e) => withPerm(e, AGENT, 0o644),
  },
  {
    id: 'interp-0644',
    change: 'the ld-linux file with mode 0644 (the kernel opens PT_INTERP for execution)',
    verify: ['component.interpreter'],
    boot: 'fail',
    console: /volcano-agent exec failed: Permission denied/,
    edit: (e) => withPerm(e, named(e, 'ld-linux-x86-64.so.2'), 0o644),
  },
  {
    id: 'version-newer',
    change:
      'volcano-agent needing version OPENSSL_3.2.0 (built against a newer OpenSSL than the image carries)',
    verify: ['deps.version'],
    boot: 'fail',
    console: /version `OPENSSL_3\.2\.0' not found/,
    edit: (e, ctx) =>
      withContent(e, AGENT, withNeededVersion(readFileSync(ctx.agent), 'OPENSSL_3.0.0', 'OPENSSL_3.2.0')),
  },
];
