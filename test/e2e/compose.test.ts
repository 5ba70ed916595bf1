// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the pipeline syntax under test, not a template
// rock-compose as a user runs it: the design's snippets, captures from the suite's own tools, the
// verification rule, an image's stamp waiting for its verification, and Ctrl-C.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixturesDir } from '../../src/qemu/test-support/test-kernel.js';
import { repoRoot, runTool } from '../support/cli.js';

let work: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'rock-compose-e2e-'));
  // rock-mac's database and rock-kernel's store live here, never in the user's ~/.rock.
  env = { ROCK_HOME: join(work, 'home') };
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const compose = (args: string[], cwd = work) => runTool('rock-compose', args, { env, cwd });
type JsonRun = {
  stages: {
    name: string;
    status: string;
    exit_code: number | null;
    reason: string | null;
    log: string | null;
  }[];
};
const statuses = (stdout: string) =>
  Object.fromEntries((JSON.parse(stdout) as JsonRun).stages.map((s) => [s.name, s.status]));

describe('the design’s snippets', () => {
  it('the format example validates as written', () => {
    const run = compose(['validate', join(repoRoot, 'pipelines/design/format-example.yaml')]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/valid, 3 stages: allocate-mac, create-image, verify-integration/);
    expect(run.status).toBe(0);
  });

  it('the short rock-image stage builds from rock-image.yaml with the allocated MAC, then verifies', () => {
    cpSync(join(repoRoot, 'pipelines/design/short-image'), work, { recursive: true });
    // The same definition, with the fixtures found from this temporary copy.
    const definition = readFileSync(join(work, 'rock-image.yaml'), 'utf8');
    writeFileSync(
      join(work, 'rock-image.yaml'),
      definition.replace('../../../.cache/fixtures', fixturesDir()),
    );
    const run = compose(['run', 'pipeline.yaml', '--json']);
    expect(statuses(run.stdout)).toEqual({
      'allocate-mac': 'succeeded',
      'create-image': 'succeeded',
      'verify-integration': 'succeeded',
    });
    expect(run.status).toBe(0);
    const log = readFileSync((JSON.parse(run.stdout) as JsonRun).stages[1]!.log!, 'utf8');
    expect(log).toMatch(/rock-image\.js --mac a4:58:0f:([0-9a-f]{2}:){2}[0-9a-f]{2}\n/);
    expect(existsSync(join(work, 'rock-os.img'))).toBe(true);
  });
});

describe('capture from the suite’s tools', () => {
  it('takes the tool’s own result value: the address from rock-mac allocate, the key path from keygen', () => {
    writeFileSync(
      join(work, 'p.yaml'),
      [
        'stages:',
        '  - { name: mac, command: rock-mac allocate --device cap-1, capture: MAC }',
        '  - { name: key, tool: rock-security, args: [keygen, --out, CONFIG_KEY], capture: KEY }',
        '  - name: record',
        "    command: node -e \"require('fs').writeFileSync('captured.json', JSON.stringify(process.argv.slice(1)))\" ${MAC} ${KEY}",
        '    depends: [mac, key]',
        '',
      ].join('\n'),
    );
    const run = compose(['run', 'p.yaml']);
    expect(run.status, run.stderr).toBe(0);
    const [mac, key] = JSON.parse(readFileSync(join(work, 'captured.json'), 'utf8')) as string[];
    const listed = JSON.parse(runTool('rock-mac', ['list', '--json'], { env, cwd: work }).stdout) as {
      macAddress: string;
    }[];
    expect(mac).toBe(listed[0]!.macAddress);
    expect(mac).toMatch(/^a4:58:0f:([0-9a-f]{2}:){2}[0-9a-f]{2}$/);
    expect(key).toMatch(/CONFIG_KEY$/);
    expect(readFileSync(join(work, key!), 'utf8')).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
  });
});

describe('validation through the CLI', () => {
  it('refuses a pipeline whose image is never verified: exit 2, every problem with its position, nothing run', () => {
    writeFileSync(
      join(work, 'p.yaml'),
      [
        'stages:',
        '  - name: build',
        '    tool: rock-image',
        '    args: [--mac, a4:58:0f:01:00:01]',
        '    retrys: 2',
        '',
      ].join('\n'),
    );
    const run = compose(['run', 'p.yaml']);
    expect(run.status).toBe(2);
    expect(run.stderr.split('\n')).toEqual([
      "p.yaml:5:5: stages[0].retrys: unknown key 'retrys' (expected one of name, description, tool, args, command, shell, depends, capture, env, workdir, inputs, outputs, retries, retry_delay, timeout, continue_on_error, when)",
      'rock-compose: p.yaml: 1 problem; nothing was run',
      '',
    ]);
    writeFileSync(
      join(work, 'p.yaml'),
      readFileSync(join(work, 'p.yaml'), 'utf8').replace('    retrys: 2\n', ''),
    );
    const second = compose(['run', 'p.yaml', '--json']);
    expect(second.status).toBe(2);
    const error = JSON.parse(second.stdout) as {
      error: { code: string; data: { issues: { text: string }[] } };
    };
    expect(error.error.code).toBe('PIPELINE_INVALID');
    expect(error.error.data.issues.map((i) => i.text)).toEqual([
      "p.yaml:2:11: stages[0].name: expected a rock-verify integration stage that depends on 'build', which writes an image; got none (add: - { name: verify-build, tool: rock-verify, args: [integration, IMAGE], depends: [build] })",
    ]);
    expect(existsSync(join(work, '.rock'))).toBe(false);
  });
});

describe('an image stage’s stamp', () => {
  it('is written only after its verification passed', () => {
    writeFileSync(join(work, 'rock-image.yaml'), `components_dir: ${fixturesDir()}\noutput: rock.img\n`);
    writeFileSync(
      join(work, 'p.yaml'),
      [
        'variables: { CMDLINE: "console=ttyS0 rdinit=/sbin/init" }',
        'stages:',
        '  - { name: image, tool: rock-image, args: [-q], inputs: [rock-image.yaml], outputs: [rock.img] }',
        '  - { name: verify, tool: rock-verify, args: [integration, rock.img, --cmdline, "${CMDLINE}"], depends: [image] }',
        '',
      ].join('\n'),
    );
    // The verification fails (rdinit= names a program the image lacks): the image's stamp is not written.
    const failed = compose([
      'run',
      'p.yaml',
      '--json',
      '--var',
      'CMDLINE=console=ttyS0 rdinit=/sbin/missing',
    ]);
    expect(failed.status).toBe(1);
    expect(statuses(failed.stdout)).toEqual({ image: 'succeeded', verify: 'failed' });
    expect(existsSync(join(work, '.rock/stamps/image.json'))).toBe(false);
    // So the next run builds the image again, and only after that verification passes does it count as done.
    const passed = compose(['run', 'p.yaml', '--json']);
    expect(statuses(passed.stdout)).toEqual({ image: 'succeeded', verify: 'succeeded' });
    const third = compose(['run', 'p.yaml', '--json']);
    expect(statuses(third.stdout)).toEqual({ image: 'cached', verify: 'succeeded' });
    expect(third.status).toBe(0);
  });
});

/** True while a process exists and is not a zombie waiting for a parent that never reaps it. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('Ctrl-C', () => {
  it('kills the running stages and their children, leaves no partial output, exits 130', async () => {
    writeFileSync(
      join(work, 'p.yaml'),
      [
        'stages:',
        '  - { name: write, command: sh write.sh, outputs: [out/image.bin] }',
        '  - { name: after, command: "true", depends: [write] }',
        '',
      ].join('\n'),
    );
    // Half an output, then a grandchild that would outlive a kill of the stage's own pid.
    writeFileSync(
      join(work, 'write.sh'),
      'mkdir -p out; echo partial > out/image.bin; sleep 60 & echo $! > child.pid; wait\n',
    );
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'dist/bin/rock-compose.js'), 'run', 'p.yaml', '--json'],
      {
        cwd: work,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    const pidFile = join(work, 'child.pid');
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8') === '')
      await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const result = JSON.parse(stdout) as JsonRun;
    expect(result.stages.map((s) => [s.name, s.status, s.reason])).toEqual([
      ['write', 'failed', 'interrupted'],
      ['after', 'skipped', "depends on failed stage 'write'"],
    ]);
    expect(existsSync(join(work, 'out/image.bin'))).toBe(false);
    expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });
});
