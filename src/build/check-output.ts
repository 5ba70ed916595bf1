/**
 * The checks every output passes before anything uses it, read from the ELF itself (never `file`
 * or `ldd`): an ELF executable for the expected machine and class; `static: true` means no
 * PT_INTERP and no DT_NEEDED (a static-pie, ET_DYN without an interpreter, is static); a dynamic
 * output's loader closure resolves on this host with the loader's own rules (rock-deps).
 */

import { hostFs, resolveDeps } from '../deps/index.js';
import { ElfError, type ElfInfo, machineName, readElfFile } from '../elf/index.js';
import { CheckError } from '../errors/index.js';
import { type Component, MACHINES } from './manifest-schema.js';

/** What the checks found, for the lock file and reports. */
export interface OutputFacts {
  machine: string;
  class: 32 | 64;
  /** `static`, `static-pie` or `dynamic`. */
  linkage: 'static' | 'static-pie' | 'dynamic';
  interpreter?: string;
  needed: string[];
}

/**
 * Checks `file`, the output of `component`. Returns its facts, or throws CheckError (exit 1) with a
 * code of OUTPUT_NOT_ELF, OUTPUT_NOT_EXECUTABLE, OUTPUT_WRONG_MACHINE, OUTPUT_NOT_STATIC or
 * OUTPUT_DEPS_UNRESOLVED, naming the component, what was expected and what was found.
 */
export function checkOutput(component: Component, file: string): OutputFacts {
  const fail = (code: string, expected: string, found: string): never => {
    throw new CheckError(
      code,
      `${component.name}: output ${component.output}: expected ${expected}, found ${found}`,
      {
        component: component.name,
        file,
        expected,
        found,
      },
    );
  };
  let elf: ElfInfo;
  try {
    elf = readElfFile(file);
  } catch (err) {
    if (err instanceof ElfError) return fail('OUTPUT_NOT_ELF', 'an ELF executable', err.message);
    throw err;
  }
  const want = MACHINES[component.machine];
  if (elf.machine !== want.machine || elf.class !== want.class) {
    fail(
      'OUTPUT_WRONG_MACHINE',
      `a ${want.class}-bit ${component.machine} ELF`,
      `a ${elf.class}-bit ${machineName(elf.machine)} ELF (e_machine ${elf.machine})`,
    );
  }
  if (elf.kind !== 'static' && elf.kind !== 'static-pie' && elf.kind !== 'dynamic') {
    fail('OUTPUT_NOT_EXECUTABLE', 'an executable', `an ELF ${elf.kind} (e_type ${elf.type})`);
  }
  const dynamic = elf.interpreter !== undefined || elf.needed.length > 0;
  if (component.static && dynamic) {
    const parts = [
      ...(elf.interpreter === undefined ? [] : [`PT_INTERP ${elf.interpreter}`]),
      ...(elf.needed.length === 0 ? [] : [`DT_NEEDED ${elf.needed.join(', ')}`]),
    ];
    fail(
      'OUTPUT_NOT_STATIC',
      'a static executable (static: true: no PT_INTERP, no DT_NEEDED)',
      `${parts.join('; ')}${staticHint(component)}`,
    );
  }
  const facts: OutputFacts = {
    machine: machineName(elf.machine),
    class: elf.class,
    linkage: dynamic ? 'dynamic' : elf.kind === 'static-pie' ? 'static-pie' : 'static',
    needed: elf.needed,
  };
  if (elf.interpreter !== undefined) facts.interpreter = elf.interpreter;
  if (dynamic) {
    const deps = resolveDeps([file], hostFs()).binaries[0];
    if (!deps?.ok) {
      const missing = (deps?.libraries ?? [])
        .filter((l) => l.path === null || l.error !== undefined)
        .map((l) => l.soname);
      fail(
        'OUTPUT_DEPS_UNRESOLVED',
        'every library of its closure to resolve on this host',
        missing.length > 0
          ? `unresolved ${missing.join(', ')}`
          : (deps?.error?.message ?? 'an unloadable closure'),
      );
    }
  }
  return facts;
}

/** The usual cause, named: cgo in a Go build, a glibc compiler where musl was meant. */
function staticHint(c: Component): string {
  if (c.builder === 'go')
    return c.cgo_enabled ? ' (cgo is on: set cgo_enabled: false, or link with -extldflags=-static)' : '';
  if (c.builder === 'cargo') return ' (build for a musl target, e.g. target: x86_64-unknown-linux-musl)';
  return ' (link with -static, e.g. musl-gcc -static)';
}
