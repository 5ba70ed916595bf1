import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_ERROR_CODES } from '../archive/index.js';
import { BUILD_ERROR_CODES } from '../build/index.js';
import { CACHE_ERROR_CODES } from '../cache/index.js';
import { COMPOSE_ERROR_CODES } from '../compose/index.js';
import { COMPRESSION_ERROR_CODES } from '../compression/index.js';
import { CONFIG_ERROR_CODES } from '../config/index.js';
import { CPIO_ERROR_CODES } from '../cpio/index.js';
import { DEPS_ERROR_CODES } from '../deps/index.js';
import { ELF_ERROR_CODES } from '../elf/index.js';
import { IMAGE_ERROR_CODES } from '../image/index.js';
import { KERNEL_ERROR_CODES, type KernelErrorCode, resolveKernel } from '../kernel/index.js';
import { MAC_ERROR_CODES } from '../mac/index.js';
import { NET_ERROR_CODES } from '../net/index.js';
import { OCI_ERROR_CODES } from '../oci/index.js';
import { QEMU_ERROR_CODES } from '../qemu/index.js';
import { REGISTRY_ERROR_CODES } from '../registry/index.js';
import { SECURITY_ERROR_CODES } from '../security/index.js';
import { UTIL_ERROR_CODES } from '../util/error-codes.js';
import { VERIFY_ERROR_CODES } from '../verify/index.js';
import { COMMON_ERROR_CODES, isToolErrorOf } from './index.js';

const src = fileURLToPath(new URL('..', import.meta.url));

/** The library source of a domain, without tests and test support. */
function sources(domain: string): string {
  return fs
    .readdirSync(path.join(src, domain), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('test-support'))
    .filter((f) => f !== 'error-codes.ts')
    .map((f) => fs.readFileSync(path.join(src, domain, f), 'utf8'))
    .join('\n');
}

/**
 * How a domain throws a code: besides `new InputError|CheckError|ToolError('CODE'` (and the subclasses'
 * constructors, `super('CODE'`), the helpers it calls with the code first, whether it picks a code with
 * `cond ? 'A' : 'B'`, and the fsError/withFsError calls that name a code last.
 */
interface Throwers {
  helpers?: string[];
  ternary?: boolean;
}

const DOMAINS: [string, readonly string[], Throwers][] = [
  ['kernel', KERNEL_ERROR_CODES, {}],
  ['config', CONFIG_ERROR_CODES, {}],
  ['security', SECURITY_ERROR_CODES, {}],
  ['deps', DEPS_ERROR_CODES, {}],
  ['archive', ARCHIVE_ERROR_CODES, {}],
  ['cpio', CPIO_ERROR_CODES, { helpers: ['cpioError', 'decodeError', 'fail'], ternary: true }],
  ['image', IMAGE_ERROR_CODES, { helpers: ['entryError', 'refuse'], ternary: true }],
  ['verify', VERIFY_ERROR_CODES, {}],
  ['qemu', QEMU_ERROR_CODES, { ternary: true }],
  ['compression', COMPRESSION_ERROR_CODES, {}],
  ['elf', ELF_ERROR_CODES, { ternary: true }],
  // MAC_ERROR_CODES takes in net's parser codes; mac's own sources throw the rest.
  [
    'mac',
    MAC_ERROR_CODES.filter((c) => !(NET_ERROR_CODES as readonly string[]).includes(c)),
    { helpers: ['dispenserInputError', 'dispenserRefusal'] },
  ],
  ['net', NET_ERROR_CODES, {}],
  ['oci', OCI_ERROR_CODES, { helpers: ['ociInputError'] }],
  ['cache', CACHE_ERROR_CODES, {}],
  ['registry', REGISTRY_ERROR_CODES, {}],
  ['compose', COMPOSE_ERROR_CODES, {}],
  ['build', BUILD_ERROR_CODES, { helpers: ['fail'] }],
  ['util', UTIL_ERROR_CODES, {}],
];

const CODE = "'([A-Z][A-Z0-9_]+)'";

/** The codes `text` throws, by the ways of {@link Throwers}. */
function thrownCodes(text: string, { helpers = [], ternary = false }: Throwers): string[] {
  const callee = [
    'new (?:InputError|CheckError|ToolError|RegistryError|YamlInvalidError|ElfError)',
    'super',
    ...helpers.map((h) => `\\b${h}`),
  ].join('|');
  const patterns = [
    new RegExp(`(?:${callee})\\(\\s*${CODE}`, 'g'),
    new RegExp(`\\b(?:fsError|withFsError)\\([^;]*?,\\s*${CODE}\\s*,?\\s*\\)`, 'g'),
    ...(ternary ? [new RegExp(`\\?\\s*${CODE}\\s*:\\s*${CODE}`, 'g')] : []),
  ];
  return patterns.flatMap((p) =>
    [...text.matchAll(p)].flatMap((m) => m.slice(1).filter((c) => c !== undefined)),
  );
}

describe("each domain's error codes are one union", () => {
  it.each(DOMAINS)(
    '%s: every code thrown is listed, every code listed is thrown',
    (domain, codes, throwers) => {
      const text = sources(domain);
      const thrown = thrownCodes(text, throwers);
      const known = new Set<string>([...codes, ...COMMON_ERROR_CODES]);
      expect(thrown.filter((c) => !known.has(c))).toEqual([]);
      expect(codes.filter((c) => !text.includes(`'${c}'`))).toEqual([]);
    },
  );

  it('the scan sees codes thrown through helpers, ternaries and fsError', () => {
    const text = [
      "throw cpioError('A_ONE', place);",
      "const code = eof ? 'A_TWO' : 'A_THREE';",
      "throw fsError(err, file, 'cannot read', 'A_FOUR');",
      "withFsError(\n  root,\n  'cannot read',\n  () => x(),\n  'A_FIVE',\n);",
      "throw new RegistryError('A_SIX', message, {}, false);",
      "killGroup('SIGTERM');",
    ].join('\n');
    expect(thrownCodes(text, { helpers: ['cpioError'], ternary: true }).sort()).toEqual([
      'A_FIVE',
      'A_FOUR',
      'A_ONE',
      'A_SIX',
      'A_THREE',
      'A_TWO',
    ]);
  });

  it('a caller can switch on a typed code', () => {
    let handled: KernelErrorCode | undefined;
    try {
      resolveKernel('nope', '/nonexistent');
    } catch (err) {
      if (!isToolErrorOf(err, KERNEL_ERROR_CODES)) throw err;
      switch (err.code) {
        case 'KERNEL_NOT_FOUND':
        case 'KERNEL_NO_DEFAULT':
          handled = err.code;
          break;
        default:
          throw err;
      }
    }
    expect(handled).toBe('KERNEL_NOT_FOUND');
    expect(isToolErrorOf(new Error('x'), KERNEL_ERROR_CODES)).toBe(false);
  });
});
