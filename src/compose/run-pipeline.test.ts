// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the pipeline syntax under test, not a template
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/support/cli.js';
import { VERSION } from '../version.js';
import { type PipelineDir, pipelineDir } from './test-support/pipeline-dir.js';

let p: PipelineDir | undefined;
afterEach(() => p?.remove());

const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe('capture', () => {
  it('takes stdout minus the final newline for a plain command, and a pattern’s first group', async () => {
    p = pipelineDir(
      lines(
        'stages:',
        '  - name: plain',
        '    command: sh print.sh',
        '    capture: OUT',
        '  - name: pattern',
        '    command: sh print.sh',
        "    capture: { var: NUM, pattern: 'number=(\\d+)' }",
        '  - name: use',
        '    command: sh record.sh "${OUT}" ${NUM}',
        '    depends: [plain, pattern]',
      ),
    );
    p.write('print.sh', 'printf "two words\\nnumber=42\\n\\n"\n');
    p.write('record.sh', 'printf "%s|" "$@" > used.txt\n');
    const result = await p.run();
    expect(p.status(result)).toEqual({ plain: 'succeeded', pattern: 'succeeded', use: 'succeeded' });
    // Only the final newline is removed: the empty last line stays.
    expect(readFileSync(join(p.dir, 'used.txt'), 'utf8')).toBe('two words\nnumber=42\n|42|');
  });

  it('fails the stage when the pattern does not match, and says so', async () => {
    p = pipelineDir(
      lines(
        'stages:',
        '  - name: a',
        '    command: echo nothing',
        "    capture: { var: X, pattern: 'id=(\\w+)' }",
      ),
    );
    const result = await p.run();
    expect(result.ok).toBe(false);
    expect(result.stages[0]).toMatchObject({
      status: 'failed',
      exit_code: 0,
      reason: 'capture: expected stdout to match /id=(\\w+)/, got no match',
    });
  });

  it('never writes a secret capture into a log', async () => {
    p = pipelineDir(
      lines(
        'stages:',
        '  - name: token',
        '    command: cat token.txt',
        '    capture: { var: TOKEN, secret: true }',
        '  - name: use',
        '    command: sh -c "echo token is $0; echo $0 >&2" ${TOKEN}',
        '    depends: [token]',
      ),
    );
    p.write('token.txt', 's3cr3t-value\n');
    const result = await p.run();
    expect(result.ok).toBe(true);
    for (const s of result.stages) expect(readFileSync(s.log!, 'utf8')).not.toContain('s3cr3t');
    expect(readFileSync(result.stages[1]!.log!, 'utf8')).toContain('token is ***');
  });
});

describe('failures', () => {
  const failing = lines(
    'stages:',
    '  - { name: bad, command: "sh -c \'exit 3\'" }',
    '  - { name: after-bad, command: "true", depends: [bad] }',
    '  - { name: after-after, command: "true", depends: [after-bad] }',
    '  - { name: slow-independent, command: "sh -c \'sleep 0.3\'" }',
    '  - { name: later-independent, command: "true", depends: [slow-independent] }',
  );

  it('skips the dependents of a failure and names the failed stage', async () => {
    p = pipelineDir(failing);
    const result = await p.run({ jobs: 2 });
    expect(result.ok).toBe(false);
    const by = Object.fromEntries(result.stages.map((s) => [s.name, s]));
    expect(by.bad).toMatchObject({ status: 'failed', exit_code: 3, reason: 'exit code 3' });
    expect(by['after-bad']).toMatchObject({ status: 'skipped', reason: "depends on failed stage 'bad'" });
    expect(by['after-after']).toMatchObject({
      status: 'skipped',
      reason: "depends on 'after-bad', skipped because 'bad' failed",
    });
    // Already running when bad failed: it finishes; nothing new starts after it.
    expect(by['slow-independent']!.status).toBe('succeeded');
    expect(by['later-independent']).toMatchObject({
      status: 'skipped',
      reason: "not started: stage 'bad' failed (--keep-going runs what does not depend on it)",
    });
  });

  it('with keepGoing runs everything that does not depend on the failure', async () => {
    p = pipelineDir(failing);
    const result = await p.run({ jobs: 2, keepGoing: true });
    expect(result.ok).toBe(false);
    expect(p.status(result)).toEqual({
      bad: 'failed',
      'after-bad': 'skipped',
      'after-after': 'skipped',
      'slow-independent': 'succeeded',
      'later-independent': 'succeeded',
    });
  });

  it('continue_on_error: the run passes and dependents run', async () => {
    p = pipelineDir(
      lines(
        'stages:',
        '  - { name: a, command: "false", continue_on_error: true }',
        '  - { name: b, command: "true", depends: [a] }',
      ),
    );
    const result = await p.run();
    expect(result.ok).toBe(true);
    expect(p.status(result)).toEqual({ a: 'failed', b: 'succeeded' });
  });

  it('retries with backoff until the stage passes', async () => {
    p = pipelineDir(
      lines('stages:', '  - { name: flaky, command: "sh flaky.sh", retries: 3, retry_delay: 10ms }'),
    );
    // Fails twice, then succeeds: counts its own attempts in a file.
    p.write('flaky.sh', 'n=$(cat n 2>/dev/null || echo 0); n=$((n+1)); echo $n > n; [ $n -ge 3 ]\n');
    const result = await p.run();
    expect(result.stages[0]).toMatchObject({ status: 'succeeded', reason: 'succeeded on attempt 3' });
    expect(readFileSync(join(p.dir, 'n'), 'utf8')).toBe('3\n');
    expect(readFileSync(result.stages[0]!.log!, 'utf8')).toContain('retry 2 of 3 in 20 ms');
  });

  it('fails after the last retry', async () => {
    p = pipelineDir(
      lines('stages:', '  - { name: flaky, command: "sh flaky.sh", retries: 1, retry_delay: 10ms }'),
    );
    p.write('flaky.sh', 'n=$(cat n 2>/dev/null || echo 0); n=$((n+1)); echo $n > n; [ $n -ge 3 ]\n');
    const result = await p.run();
    expect(result.stages[0]).toMatchObject({ status: 'failed', exit_code: 1 });
    expect(readFileSync(join(p.dir, 'n'), 'utf8')).toBe('2\n');
  });
});

/** True while a process exists and is not a zombie waiting for a parent that never reaps it. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('timeout', () => {
  it('kills the stage’s whole process group, grandchildren included', async () => {
    p = pipelineDir(lines('stages:', '  - { name: hang, command: "sh hang.sh", timeout: 500ms }'));
    // The stage starts a grandchild that would outlive a plain kill of the stage's own pid.
    p.write('hang.sh', 'sleep 60 & echo $! > grandchild.pid; wait\n');
    const result = await p.run();
    expect(result.stages[0]).toMatchObject({
      status: 'failed',
      reason: 'timed out (its process group was killed)',
    });
    const pid = Number(readFileSync(join(p.dir, 'grandchild.pid'), 'utf8'));
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
  });
});

describe('--jobs', () => {
  it('never runs more stages at once than asked, as the stages themselves count', async () => {
    const stages = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => `  - { name: ${n}, command: "sh slot.sh" }`);
    p = pipelineDir(lines('stages:', ...stages));
    // Each stage takes a slot under a mkdir lock, records the highest count seen, holds it, leaves.
    p.write(
      'slot.sh',
      [
        'lock() { while ! mkdir lock.d 2>/dev/null; do sleep 0.01; done; }',
        'unlock() { rmdir lock.d; }',
        'lock; n=$(( $(cat count 2>/dev/null || echo 0) + 1 )); echo $n > count',
        'm=$(cat max 2>/dev/null || echo 0); [ $n -gt $m ] && echo $n > max; unlock',
        'sleep 0.4',
        'lock; echo $(( $(cat count) - 1 )) > count; unlock',
        '',
      ].join('\n'),
    );
    const result = await p.run({ jobs: 2 });
    expect(result.ok).toBe(true);
    expect(Number(readFileSync(join(p.dir, 'max'), 'utf8'))).toBe(2);
    writeFileSync(join(p.dir, 'max'), '0\n');
    await p.run({ jobs: 3 });
    expect(Number(readFileSync(join(p.dir, 'max'), 'utf8'))).toBe(3);
  });
});

describe('interruption', () => {
  it('kills running stages and leaves no half-written output when aborted', async () => {
    p = pipelineDir(
      lines(
        'stages:',
        '  - { name: write, command: "sh write.sh", outputs: [out.bin] }',
        '  - { name: next, command: "true", depends: [write] }',
      ),
    );
    p.write('write.sh', 'echo partial > out.bin; sleep 60 & echo $! > child.pid; wait\n');
    const controller = new AbortController();
    const started = p.run({ signal: controller.signal });
    const pidFile = join(p.dir, 'child.pid');
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8') === '')
      await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const result = await started;
    expect(result.interrupted).toBe(true);
    expect(result.ok).toBe(false);
    expect(p.status(result)).toEqual({ write: 'failed', next: 'skipped' });
    expect(result.stages[0]!.reason).toBe('interrupted');
    expect(existsSync(join(p.dir, 'out.bin'))).toBe(false);
    expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });
});

describe('stage fields', () => {
  it('env, workdir, shell and a when: on a captured value', async () => {
    p = pipelineDir(
      lines(
        'variables: { MODE: fast }',
        'stages:',
        '  - { name: decide, command: "echo yes", capture: GO }',
        '  - name: env-and-dir',
        '    command: sh -c "printf %s/%s \\"$GREETING\\" \\"$(basename $PWD)\\" > ../out.txt"',
        '    workdir: sub',
        '    env: { GREETING: "mode ${MODE}" }',
        '  - { name: shell, command: "echo a | tr a b > piped.txt", shell: true }',
        '  - { name: taken, command: "touch taken", when: "${GO} == yes", depends: [decide] }',
        '  - { name: not-taken, command: "touch not-taken", when: "${GO} != yes", depends: [decide] }',
        '  - { name: after-not-taken, command: "true", depends: [not-taken] }',
      ),
    );
    mkdirSync(join(p.dir, 'sub'));
    const result = await p.run();
    expect(p.status(result)).toEqual({
      decide: 'succeeded',
      'env-and-dir': 'succeeded',
      shell: 'succeeded',
      taken: 'succeeded',
      'not-taken': 'skipped',
      'after-not-taken': 'skipped',
    });
    expect(result.ok).toBe(true);
    expect(result.stages[4]!.reason).toBe('when: ${GO} != yes is false');
    expect(result.stages[5]!.reason).toBe("depends on skipped stage 'not-taken'");
    expect(readFileSync(join(p.dir, 'out.txt'), 'utf8')).toBe('mode fast/sub');
    expect(readFileSync(join(p.dir, 'piped.txt'), 'utf8')).toBe('b\n');
    expect(existsSync(join(p.dir, 'taken'))).toBe(true);
    expect(existsSync(join(p.dir, 'not-taken'))).toBe(false);
  });

  it('a program that does not exist fails its stage with a clear reason', async () => {
    p = pipelineDir(lines('stages:', '  - { name: a, command: no-such-program-here --flag }'));
    const result = await p.run();
    expect(result.stages[0]).toMatchObject({
      status: 'failed',
      reason: 'no-such-program-here: command not found',
    });
  });
});

describe('the suite’s tools', () => {
  it('run as this package’s own bin under this node, never the one found on PATH', async () => {
    p = pipelineDir(
      lines(
        'stages:',
        '  - { name: v, command: rock-mac --version, capture: V }',
        '  - { name: w, tool: rock-verify, args: [--version] }',
      ),
    );
    // An impostor first on PATH: it would leave a mark.
    mkdirSync(join(p.dir, 'bin'));
    p.write('bin/rock-mac', '#!/bin/sh\ntouch impostor-ran\necho 6.6.6\n');
    p.write('bin/rock-verify', '#!/bin/sh\ntouch impostor-ran\n');
    chmodSync(join(p.dir, 'bin/rock-mac'), 0o755);
    chmodSync(join(p.dir, 'bin/rock-verify'), 0o755);
    const result = await p.run({}, { PATH: `${join(p.dir, 'bin')}:${process.env.PATH}` });
    expect(p.status(result)).toEqual({ v: 'succeeded', w: 'succeeded' });
    expect(existsSync(join(p.dir, 'impostor-ran'))).toBe(false);
    const log = readFileSync(result.stages[0]!.log!, 'utf8');
    expect(log.split('\n')[0]).toBe(
      `$ ${process.execPath} ${join(repoRoot, 'dist/bin/rock-mac.js')} --version`,
    );
    expect(log).toContain(`${VERSION}\n`);
  });
});
