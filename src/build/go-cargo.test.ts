// Real Go and Rust components, built with the machine's go and cargo when they are installed
// (Debian golang-go is in scripts/setup.sh; cargo is not, so its tests skip visibly without it).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readElfFile } from '../elf/index.js';
import { buildComponents } from './build-components.js';
import { makeProject, type Project } from './test-support/project.js';

const has = (program: string, ...args: string[]) =>
  spawnSync(program, args, { stdio: 'ignore' }).status === 0;
const hasGo = has('go', 'version');
const hasCargo = has('cargo', '-V');
const rustSysroot = hasCargo
  ? spawnSync('rustc', ['--print', 'sysroot'], { encoding: 'utf8' }).stdout.trim()
  : '';
const hasMuslTarget =
  hasCargo && fs.existsSync(path.join(rustSysroot, 'lib/rustlib/x86_64-unknown-linux-musl/lib'));

const projects: Project[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.remove();
});
function project(manifest: string): Project {
  const p = makeProject(manifest);
  projects.push(p);
  return p;
}

const GO_MAIN = `package main

import (
\t"fmt"
\t"os/user"
)

func main() {
\tu, _ := user.Current()
\tfmt.Println("VOLCANO-AGENT: started", u != nil)
}
`;

const goManifest = (extra: string) => `output_dir: out
components:
  - name: volcano-agent
    source: agent
    builder: go
    output: volcano-agent
    ldflags: -s -w
    role: agent
    static: true
${extra}`;

describe.skipIf(!hasGo)('a Go component (go build -trimpath)', () => {
  it('builds a static binary with cgo off, cached the second time', async () => {
    const p = project(goManifest(''));
    p.write('agent/go.mod', 'module example.com/agent\n\ngo 1.19\n');
    p.write('agent/main.go', GO_MAIN);
    const r = await buildComponents({ components: ['all'] }, p.context);
    expect(r.components[0], JSON.stringify(r.components[0])).toMatchObject({ status: 'built' });
    const elf = readElfFile(path.join(p.dir, 'out', 'volcano-agent'));
    expect(elf.interpreter).toBeUndefined();
    expect(elf.needed).toEqual([]);
    const run = spawnSync(path.join(p.dir, 'out', 'volcano-agent'), { encoding: 'utf8' });
    expect(run.stdout).toBe('VOLCANO-AGENT: started true\n');
    expect(p.compilations()).toEqual([expect.stringMatching(/^go build -trimpath -buildvcs=false/)]);
    const again = await buildComponents({ components: ['all'] }, p.context);
    expect(again.components[0]?.status).toBe('cached');
    expect(p.compilations()).toHaveLength(1);
  });

  it('refuses a Go binary that became dynamic through cgo (os/user), naming the cause', async () => {
    const p = project(goManifest('    cgo_enabled: true\n'));
    p.write('agent/go.mod', 'module example.com/agent\n\ngo 1.19\n');
    p.write('agent/main.go', GO_MAIN);
    const r = await buildComponents({ components: ['all'] }, p.context);
    const c = r.components[0];
    expect(c).toMatchObject({ status: 'failed', error: { code: 'OUTPUT_NOT_STATIC' } });
    expect(c?.status === 'failed' && c.error.message).toMatch(
      /^volcano-agent: output volcano-agent: expected a static executable .*, found PT_INTERP \/lib64\/ld-linux-x86-64\.so\.2; DT_NEEDED .*libc\.so\.6.* \(cgo is on: set cgo_enabled: false/,
    );
  });
});

const CARGO_TOML =
  '[package]\nname = "rock-manager"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n';
const MAIN_RS = 'fn main() {\n    println!("ROCK-MANAGER: started");\n}\n';
const cargoManifest = (extra: string) => `output_dir: out
components:
  - name: rock-manager
    source: manager
    exclude: [target/]
    builder: cargo
    role: manager
${extra}`;

describe.skipIf(!hasCargo)('a Rust component (cargo build --remap-path-prefix)', () => {
  it('builds for the host (dynamic, closure resolved), release profile with --release', async () => {
    const p = project(cargoManifest('    output: target/release/rock-manager\n'));
    p.write('manager/Cargo.toml', CARGO_TOML);
    p.write('manager/src/main.rs', MAIN_RS);
    const r = await buildComponents({ components: ['all'], release: true }, p.context);
    expect(r.components[0], JSON.stringify(r.components[0])).toMatchObject({ status: 'built' });
    const out = path.join(p.dir, 'out', 'rock-manager');
    expect(spawnSync(out, { encoding: 'utf8' }).stdout).toBe('ROCK-MANAGER: started\n');
    // No path of this machine's build directory survives in the binary.
    expect(fs.readFileSync(out).includes(Buffer.from(path.join(p.dir, 'out', '.rock-build')))).toBe(false);
    const again = await buildComponents({ components: ['all'], release: true }, p.context);
    expect(again.components[0]?.status).toBe('cached');
    // The debug profile is another key: it builds (into target/debug/, so this output is missing).
    const debug = await buildComponents({ components: ['all'] }, p.context);
    expect(debug.components[0]).toMatchObject({ status: 'failed', error: { code: 'OUTPUT_MISSING' } });
  });

  it('refuses a host (glibc) build that was meant to be static', async () => {
    const p = project(cargoManifest('    output: target/debug/rock-manager\n    static: true\n'));
    p.write('manager/Cargo.toml', CARGO_TOML);
    p.write('manager/src/main.rs', MAIN_RS);
    const r = await buildComponents({ components: ['all'] }, p.context);
    expect(r.components[0]).toMatchObject({ status: 'failed', error: { code: 'OUTPUT_NOT_STATIC' } });
    expect(r.components[0]?.status === 'failed' && r.components[0].error.message).toContain(
      '(build for a musl target, e.g. target: x86_64-unknown-linux-musl)',
    );
  });

  it.skipIf(!hasMuslTarget)('builds a static musl binary for target x86_64-unknown-linux-musl', async () => {
    const p = project(
      cargoManifest(
        '    target: x86_64-unknown-linux-musl\n    output: target/x86_64-unknown-linux-musl/debug/rock-manager\n    static: true\n',
      ),
    );
    p.write('manager/Cargo.toml', CARGO_TOML);
    p.write('manager/src/main.rs', MAIN_RS);
    const r = await buildComponents({ components: ['all'] }, p.context);
    expect(r.components[0]).toMatchObject({ status: 'built' });
  });
});
