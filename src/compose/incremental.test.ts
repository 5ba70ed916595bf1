import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testContext } from '../cli/context.js';
import { planPipeline } from './plan.js';
import { type PipelineDir, pipelineDir } from './test-support/pipeline-dir.js';

const PIPELINE = `variables: { SUFFIX: "" }
stages:
  - name: a
    command: sh copy.sh a src/a.txt build/a.out \${SUFFIX}
    inputs: [src/a.txt, copy.sh]
    outputs: [build/a.out]
  - name: b
    command: sh copy.sh b src/b.txt build/b.out
    inputs: [src/b.txt, copy.sh]
    outputs: [build/b.out]
  - name: c
    command: sh copy.sh c build/a.out build/c.out
    depends: [a]
    outputs: [build/c.out]
  - name: always
    command: "true"
    depends: [b, c]
`;

let p: PipelineDir;
const ran = () => readFileSync(join(p.dir, 'ran.log'), 'utf8').trim().split('\n').slice(-10);
const clearRan = () => writeFileSync(join(p.dir, 'ran.log'), '');

beforeEach(() => {
  p = pipelineDir(PIPELINE);
  // Each stage records that it did work, then copies its input.
  p.write('copy.sh', 'echo "$1" >> ran.log; mkdir -p build; cat "$2" > "$3"; printf "%s" "$4" >> "$3"\n');
  mkdirSync(join(p.dir, 'src'));
  p.write('src/a.txt', 'A\n');
  p.write('src/b.txt', 'B\n');
});
afterEach(() => p.remove());

describe('incremental runs', () => {
  it('a second run of an unchanged pipeline does no work', async () => {
    expect(p.status(await p.run())).toEqual({
      a: 'succeeded',
      b: 'succeeded',
      c: 'succeeded',
      always: 'succeeded',
    });
    expect(ran()).toEqual(['a', 'b', 'c']);
    clearRan();
    const second = await p.run();
    expect(p.status(second)).toEqual({ a: 'cached', b: 'cached', c: 'cached', always: 'succeeded' });
    expect(readFileSync(join(p.dir, 'ran.log'), 'utf8')).toBe('');
    expect(second.stages[0]!.reason).toBe('up to date: inputs, definition and outputs unchanged');
  });

  it('an input change reruns exactly that stage and what depends on it', async () => {
    await p.run();
    clearRan();
    p.write('src/a.txt', 'A2\n');
    const result = await p.run();
    expect(p.status(result)).toEqual({ a: 'succeeded', b: 'cached', c: 'succeeded', always: 'succeeded' });
    expect(ran()).toEqual(['a', 'c']);
    expect(readFileSync(join(p.dir, 'build/c.out'), 'utf8')).toBe('A2\n');
  });

  it('a deleted or edited output reruns its stage (and only the stages after it that read it)', async () => {
    await p.run();
    clearRan();
    rmSync(join(p.dir, 'build/b.out'));
    expect(p.status(await p.run())).toEqual({
      a: 'cached',
      b: 'succeeded',
      c: 'cached',
      always: 'succeeded',
    });
    writeFileSync(join(p.dir, 'build/c.out'), 'edited\n');
    expect(p.status(await p.run())).toEqual({
      a: 'cached',
      b: 'cached',
      c: 'succeeded',
      always: 'succeeded',
    });
    expect(ran()).toEqual(['b', 'c']);
  });

  it('a change of a variable the stage uses reruns it, and its dependents when its outputs change', async () => {
    await p.run();
    clearRan();
    const result = await p.run({ vars: { SUFFIX: 'x' } });
    expect(p.status(result)).toEqual({ a: 'succeeded', b: 'cached', c: 'succeeded', always: 'succeeded' });
  });

  it('a failed stage writes no stamp: the next run runs it again', async () => {
    p.write('copy.sh', 'echo "$1" >> ran.log; exit 1\n');
    expect((await p.run()).ok).toBe(false);
    expect(existsSync(join(p.dir, '.rock/stamps/a.json'))).toBe(false);
  });
});

describe('plan', () => {
  it('changes nothing and says why each stage would run', async () => {
    const context = testContext({ cwd: p.dir, env: { PATH: process.env.PATH } });
    const first = await planPipeline({ file: 'pipeline.yaml' }, context);
    expect(existsSync(join(p.dir, '.rock'))).toBe(false);
    expect(first.stages.map((s) => [s.name, s.action, s.reason])).toEqual([
      ['a', 'run', 'no successful run recorded'],
      ['b', 'run', 'no successful run recorded'],
      ['c', 'check', "runs if the outputs of 'a' change"],
      ['always', 'run', 'no inputs or outputs: always runs'],
    ]);
    await p.run();
    p.write('src/b.txt', 'B2\n');
    const second = await planPipeline({ file: 'pipeline.yaml' }, context);
    expect(second.stages.map((s) => [s.name, s.action, s.reason])).toEqual([
      ['a', 'cached', 'up to date: inputs, definition and outputs unchanged'],
      ['b', 'run', 'input src/b.txt changed'],
      ['c', 'cached', 'up to date: inputs, definition and outputs unchanged'],
      ['always', 'run', 'no inputs or outputs: always runs'],
    ]);
  });
});
