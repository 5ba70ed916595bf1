import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_ERROR_CODES } from '../archive/index.js';
import { CONFIG_ERROR_CODES } from '../config/index.js';
import { DEPS_ERROR_CODES } from '../deps/index.js';
import { KERNEL_ERROR_CODES, type KernelErrorCode, resolveKernel } from '../kernel/index.js';
import { SECURITY_ERROR_CODES } from '../security/index.js';
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

const DOMAINS: [string, readonly string[]][] = [
  ['kernel', KERNEL_ERROR_CODES],
  ['config', CONFIG_ERROR_CODES],
  ['security', SECURITY_ERROR_CODES],
  ['deps', DEPS_ERROR_CODES],
  ['archive', ARCHIVE_ERROR_CODES],
];

describe("each domain's error codes are one union", () => {
  it.each(DOMAINS)('%s: every code thrown is listed, every code listed is thrown', (domain, codes) => {
    const text = sources(domain);
    const thrown = [...text.matchAll(/new (?:InputError|CheckError|ToolError)\(\s*'([A-Z0-9_]+)'/g)].map(
      (m) => m[1] as string,
    );
    const known = new Set<string>([...codes, ...COMMON_ERROR_CODES]);
    expect(thrown.filter((c) => !known.has(c))).toEqual([]);
    expect(codes.filter((c) => !text.includes(`'${c}'`))).toEqual([]);
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
