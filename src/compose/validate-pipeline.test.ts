// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the pipeline syntax under test, not a template
import { describe, expect, it } from 'vitest';
import { PipelineInvalidError } from './errors.js';
import { validatePipeline } from './validate-pipeline.js';

const opts = { source: 'p.yaml', cwd: '/tmp', env: {} };

function issues(
  text: string,
  extra: Partial<typeof opts> & { vars?: Record<string, string> } = {},
): string[] {
  try {
    validatePipeline(text, { ...opts, ...extra });
  } catch (err) {
    if (err instanceof PipelineInvalidError) return err.issueLines();
    throw err;
  }
  throw new Error('expected the pipeline to be invalid');
}

const ISSUE_EXAMPLE = `name: build-rock-os            # optional
variables: { POOL: development, NODE_ID: node-01 }
stages:
  - name: allocate-mac
    command: rock-mac allocate --pool \${POOL} --device \${NODE_ID}
    capture: MAC_ADDRESS
  - name: create-image
    tool: rock-image
    args: ["cpio", "create", "./rootfs"]
    depends: ["allocate-mac"]
  - name: verify-integration   # mandatory
    tool: rock-verify
    args: ["integration", "image.cpio.gz"]
    depends: ["create-image"]
`;

describe('validatePipeline', () => {
  it("accepts the issue's format example and learns tools, captures and order", () => {
    const p = validatePipeline(ISSUE_EXAMPLE, opts);
    expect(p.name).toBe('build-rock-os');
    expect(p.order).toEqual(['allocate-mac', 'create-image', 'verify-integration']);
    const alloc = p.byName.get('allocate-mac')!;
    expect(alloc.tool).toBe('rock-mac');
    expect([...alloc.uses]).toEqual(['POOL', 'NODE_ID']);
    expect(p.capturedBy.get('MAC_ADDRESS')).toBe('allocate-mac');
    expect(p.byName.get('create-image')!.writesImage).toBe(true);
    expect(p.byName.get('verify-integration')!.verifiesImage).toBe(true);
  });

  it('reports every unknown key with its line and column, all at once', () => {
    const text = [
      'stages:',
      '  - name: a',
      '    command: echo hi',
      '    depend: [b]',
      '    retry: 2',
      'stagez: []',
      '',
    ].join('\n');
    expect(issues(text)).toEqual([
      "p.yaml:4:5: stages[0].depend: unknown key 'depend' (expected one of name, description, tool, args, command, shell, depends, capture, env, workdir, inputs, outputs, retries, retry_delay, timeout, continue_on_error, when)",
      "p.yaml:5:5: stages[0].retry: unknown key 'retry' (expected one of name, description, tool, args, command, shell, depends, capture, env, workdir, inputs, outputs, retries, retry_delay, timeout, continue_on_error, when)",
      "p.yaml:6:1: stagez: unknown key 'stagez' (expected one of name, description, variables, env, stages)",
    ]);
  });

  it('reports wrong types with what was expected and found', () => {
    const text = [
      'stages:',
      '  - name: a',
      '    command: echo hi',
      '    retries: many',
      '    timeout: soon',
      '',
    ].join('\n');
    expect(issues(text)).toEqual([
      "p.yaml:4:14: stages[0].retries: expected an integer 0-10, got 'many'",
      "p.yaml:5:14: stages[0].timeout: expected a duration: seconds, or a number with ms, s, m or h (30s, 5m, 500ms), got 'soon'",
    ]);
  });

  it('refuses a stage with both or neither of tool and command', () => {
    const text = [
      'stages:',
      '  - name: a',
      '    tool: rock-mac',
      '    command: echo',
      '  - name: b',
      '',
    ].join('\n');
    expect(issues(text)).toEqual([
      'p.yaml:4:14: stages[0].command: expected exactly one of tool or command, got both',
      'p.yaml:5:5: stages[1]: expected exactly one of tool or command, got neither',
    ]);
  });

  it('refuses a missing verification stage, naming the stage to add', () => {
    const text = [
      'stages:',
      '  - name: build',
      '    tool: rock-image',
      '    args: ["--mac", "a4:58:0f:01:00:01"]',
      '',
    ].join('\n');
    expect(issues(text)).toEqual([
      "p.yaml:2:11: stages[0].name: expected a rock-verify integration stage that depends on 'build', which writes an image; got none (add: - { name: verify-build, tool: rock-verify, args: [integration, IMAGE], depends: [build] })",
    ]);
  });

  it('refuses a verification stage that does not depend on the image stage', () => {
    const text = [
      'stages:',
      '  - name: build',
      '    command: rock-image create -o x.img',
      '  - name: check',
      '    tool: rock-verify',
      '    args: [integration, x.img]',
      '',
    ].join('\n');
    expect(issues(text)).toHaveLength(1);
    expect(issues(text)[0]).toMatch(/^p\.yaml:2:11: .*integration stage that depends on 'build'/);
  });

  it('refuses cycles, unknown depends and duplicate names with positions', () => {
    const cyc = [
      'stages:',
      '  - { name: a, command: "true", depends: [c] }',
      '  - { name: b, command: "true", depends: [a] }',
      '  - { name: c, command: "true", depends: [b] }',
      '',
    ].join('\n');
    expect(issues(cyc)).toEqual([
      'p.yaml:3:43: stages[1].depends[0]: expected no cycle, got a -> c -> b -> a',
    ]);
    const self = ['stages:', '  - { name: a, command: "true", depends: [a] }', ''].join('\n');
    expect(issues(self)).toEqual(['p.yaml:2:43: stages[0].depends[0]: expected no cycle, got a -> a']);
    const bad = [
      'stages:',
      '  - { name: a, command: "true", depends: [x] }',
      '  - { name: a, command: "true" }',
      '',
    ].join('\n');
    expect(issues(bad)).toEqual([
      "p.yaml:2:43: stages[0].depends[0]: expected the name of a stage (a), got 'x'",
      "p.yaml:3:13: stages[1].name: expected a unique stage name, got 'a' again (first at line 2)",
    ]);
  });

  it('refuses undefined variables before running, at the reference, and leaves $x alone', () => {
    const text = [
      'variables: { A: 1 }',
      'stages:',
      '  - name: a',
      '    command: echo ${A} $HOME ${NOPE}',
      '',
    ].join('\n');
    expect(issues(text)).toEqual([
      'p.yaml:4:30: stages[0].command: expected a defined variable (variables:, --var, env: or a capture), got undefined ${NOPE}',
    ]);
    expect(() => validatePipeline(text, { ...opts, vars: { NOPE: 'x' } })).not.toThrow();
  });

  it('refuses a capture used by a stage that does not depend on its producer', () => {
    const text = [
      'stages:',
      '  - { name: a, command: "echo 1", capture: X }',
      '  - { name: b, command: "echo ${X}" }',
      '',
    ].join('\n');
    expect(issues(text)).toEqual([
      "p.yaml:3:31: stages[1].command: expected ${X} from a stage this one depends on, got a capture of 'a' (add depends: [a])",
    ]);
  });

  it('reads environment variables only when named in env:, and unset is an error', () => {
    const text = ['env: [BUILD_ID]', 'stages:', '  - { name: a, command: "echo ${BUILD_ID}" }', ''].join(
      '\n',
    );
    expect(issues(text)).toEqual([
      'p.yaml:1:7: env[0]: expected environment variable BUILD_ID to be set, got nothing (unset is not empty)',
    ]);
    expect(validatePipeline(text, { ...opts, env: { BUILD_ID: '' } }).variables.get('BUILD_ID')).toBe('');
  });

  it('refuses a depends on a stage whose when: is false', () => {
    const text = [
      'variables: { MODE: dev }',
      'stages:',
      '  - { name: deploy, command: "true", when: "${MODE} == production" }',
      '  - { name: notify, command: "true", depends: [deploy] }',
      '',
    ].join('\n');
    expect(issues(text)).toEqual([
      "p.yaml:4:48: stages[1].depends[0]: expected a stage that can run, got 'deploy', whose when: is false with these variables",
    ]);
    expect(() => validatePipeline(text, { ...opts, vars: { MODE: 'production' } })).not.toThrow();
  });

  it('refuses an unknown tool, naming the tools there are', () => {
    const text = ['stages:', '  - { name: a, tool: rock-nope }', ''].join('\n');
    expect(issues(text)[0]).toMatch(
      /^p\.yaml:2:22: stages\[0\]\.tool: expected a tool of this suite \(.*rock-image.*\), got 'rock-nope'$/,
    );
  });

  it('reports YAML syntax errors with positions', () => {
    expect(issues('stages:\n  - name: a\n   command: x\n')[0]).toMatch(/^p\.yaml:3:\d+: /);
  });
});

describe('inputs and outputs', () => {
  it('refuses an output that is also an input of the same stage', () => {
    const text = [
      'stages:',
      '  - { name: a, command: "true", inputs: [./x.txt, y], outputs: [x.txt] }',
      '',
    ].join('\n');
    expect(issues(text)).toEqual([
      "p.yaml:2:42: stages[0].inputs[0]: expected an input that is not also an output, got './x.txt' in both",
    ]);
  });
});

describe('all problems at once', () => {
  it('reports graph problems together with schema problems', () => {
    const text = [
      'stages:',
      '  - { name: a, command: "true", depends: [ghost], retry: 1 }',
      '  - { name: b, command: "true", depends: [c] }',
      '  - { name: c, command: "true", depends: [b] }',
      '  - { name: a, command: "true" }',
      '  - { command: "true", depends: [a] }',
      '  - { name: d, command: "echo ${UNDEFINED}" }',
      '',
    ].join('\n');
    const found = issues(text);
    expect(found).toEqual([
      "p.yaml:2:43: stages[0].depends[0]: expected the name of a stage (a, b, c, d), got 'ghost'",
      expect.stringMatching(/^p\.yaml:2:51: stages\[0\]\.retry: unknown key 'retry'/),
      'p.yaml:4:43: stages[2].depends[0]: expected no cycle, got b -> c -> b',
      "p.yaml:5:13: stages[3].name: expected a unique stage name, got 'a' again (first at line 2)",
      'p.yaml:6:5: stages[4].name: expected a stage name, got nothing (missing key)',
      'p.yaml:7:31: stages[5].command: expected a defined variable (variables:, --var, env: or a capture), got undefined ${UNDEFINED}',
    ]);
  });
});
