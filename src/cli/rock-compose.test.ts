// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the pipeline syntax under test, not a template
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testContext } from './context.js';
import { rockComposeProgram } from './rock-compose.js';
import { type Captured, runInProcess } from './test-support/run-in-process.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rock-compose-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...argv: string[]): Promise<Captured> =>
  runInProcess(
    'rock-compose',
    (io) => rockComposeProgram(testContext({ cwd: dir, env: { PATH: process.env.PATH }, io })),
    argv,
  );

const PIPELINE = [
  'name: demo',
  'description: two stages',
  'variables: { WHO: world }',
  'stages:',
  '  - { name: hello, command: "echo hello ${WHO}", capture: GREETING }',
  '  - { name: again, command: "echo ${GREETING}", depends: [hello] }',
  '',
].join('\n');

describe('rock-compose', () => {
  beforeEach(() => writeFileSync(join(dir, 'p.yaml'), PIPELINE));

  it('run --json prints the stages and nothing else; --var reaches the stages', async () => {
    const run = await cli('run', 'p.yaml', '--json', '--var', 'WHO=there', '-j', '1');
    expect(run.code).toBe(0);
    const stages = (JSON.parse(run.out) as { stages: Record<string, unknown>[] }).stages;
    expect(stages.map((s) => Object.keys(s))).toEqual([
      ['name', 'status', 'exit_code', 'duration_ms', 'log', 'reason'],
      ['name', 'status', 'exit_code', 'duration_ms', 'log', 'reason'],
    ]);
    expect(stages.map((s) => [s.name, s.status, s.exit_code])).toEqual([
      ['hello', 'succeeded', 0],
      ['again', 'succeeded', 0],
    ]);
    expect(run.err).toBe('');
  });

  it('run prints plain progress lines when not on a terminal, then the verdict', async () => {
    const run = await cli('run', 'p.yaml');
    expect(run.code).toBe(0);
    expect(run.err.split('\n')).toEqual([
      'rock-compose: hello: started',
      expect.stringMatching(/^rock-compose: hello: succeeded \(\d+\.\ds\)$/),
      'rock-compose: again: started',
      expect.stringMatching(/^rock-compose: again: succeeded \(\d+\.\ds\)$/),
    ]);
    expect(run.out).toMatch(/^PASSED p\.yaml: 2 succeeded \(logs: .*\/\.rock\/runs\/[0-9TZ]+-[0-9a-f]{6}\)$/);
  });

  it('refuses bad --var and --jobs values with exit 2, naming them', async () => {
    expect(await cli('run', 'p.yaml', '--var', 'no-equals')).toMatchObject({
      code: 2,
      err: "rock-compose: vars: expected NAME=VALUE with a variable name, got 'no-equals'",
    });
    expect(await cli('run', 'p.yaml', '--jobs', '0')).toMatchObject({
      code: 2,
      err: "rock-compose: --jobs: expected an integer >= 1, got '0'",
    });
  });

  it('validate, plan, graph and list', async () => {
    expect(await cli('validate', 'p.yaml')).toEqual({
      code: 0,
      out: 'p.yaml: valid, 2 stages: hello, again',
      err: '',
    });
    const plan = await cli('plan', 'p.yaml', '--json');
    expect(JSON.parse(plan.out)).toEqual({
      pipeline: 'p.yaml',
      stages: [
        { name: 'hello', action: 'run', reason: 'no inputs or outputs: always runs', depends: [] },
        { name: 'again', action: 'run', reason: 'no inputs or outputs: always runs', depends: ['hello'] },
      ],
    });
    expect((await cli('graph', 'p.yaml', '--format', 'dot')).out).toBe(
      [
        'digraph "demo" {',
        '  rankdir=TB;',
        '  s0 [label="hello"];',
        '  s1 [label="again"];',
        '  s0 -> s1;',
        '}',
      ].join('\n'),
    );
    expect(await cli('list')).toEqual({ code: 0, out: 'p.yaml  demo (2 stages)  two stages', err: '' });
  });

  it('an invalid pipeline: every problem on stderr, exit 2', async () => {
    writeFileSync(join(dir, 'p.yaml'), 'stages:\n  - { name: a, command: "echo ${X}", depend: [] }\n');
    const run = await cli('validate', 'p.yaml');
    expect(run.code).toBe(2);
    expect(run.err.split('\n')).toEqual([
      "p.yaml:2:38: stages[0].depend: unknown key 'depend' (expected one of name, description, tool, args, command, shell, depends, capture, env, workdir, inputs, outputs, retries, retry_delay, timeout, continue_on_error, when)",
      'rock-compose: p.yaml: 1 problem; nothing was run',
    ]);
  });

  it('answers --help with examples on every command', async () => {
    for (const sub of ['run', 'validate', 'plan', 'graph', 'list', 'schema']) {
      const program = rockComposeProgram(testContext({ cwd: dir }));
      let help = '';
      program.configureOutput({ writeOut: (t) => (help += t) });
      for (const c of program.commands) c.configureOutput({ writeOut: (t) => (help += t) });
      await program
        .exitOverride()
        .parseAsync([sub, '--help'], { from: 'user' })
        .catch(() => undefined);
      expect(help, sub).toMatch(/Examples?:\n {2}\$ rock-compose /);
    }
  });
});
