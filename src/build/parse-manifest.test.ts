import { describe, expect, it } from 'vitest';
import { formatYamlIssue } from '../yaml/index.js';
import { validateManifest } from './parse-manifest.js';

const lines = (text: string) => {
  const r = validateManifest(text);
  return r.ok ? [] : r.errors.map((e) => formatYamlIssue('components.yaml', e));
};

describe('components.yaml validation', () => {
  it('accepts a valid manifest and applies defaults', () => {
    const r = validateManifest(
      'components:\n  - name: rock-init\n    source: src\n    builder: make\n    output: rock-init\n    role: init\n',
    );
    expect(r.ok && r.value.components[0]).toEqual({
      name: 'rock-init',
      source: 'src',
      builder: 'make',
      output: 'rock-init',
      role: 'init',
      static: false,
      machine: 'x86_64',
      env: [],
      depends: [],
      exclude: [],
      inputs: [],
      variables: {},
    });
  });

  it('reports every error at once with line:column, unknown keys included', () => {
    const text = [
      'components:', //                       1
      '  - name: rock-init', //               2
      '    source: src', //                   3
      '    builder: cargo', //                4
      '    output: x', //                     5
      '    role: init', //                    6
      '    goos: linux', //                   7  (a go key on a cargo component)
      '  - name: Bad Name', //                8
      '    source: src', //                   9
      '    builder: ninja', //                10
      '  - name: agent', //                   11
      '    source: src', //                   12
      '    builder: command', //              13
      '    argv: []', //                      14
      '    output: ../x', //                  15
      '    role: agent', //                   16
      '    static: yes', //                   17
      'extra: 1', //                          18
      '',
    ].join('\n');
    expect(lines(text)).toEqual([
      "components.yaml:7:5: components[0].goos: unknown key 'goos' (expected one of name, source, output, role, install, static, machine, env, depends, exclude, inputs, builder, target, features, profile)",
      "components.yaml:10:14: components[1].builder: expected one of cargo, go, make, command, got 'ninja'",
      'components.yaml:14:11: components[2].argv: expected a program and its arguments, got an empty list',
      "components.yaml:15:13: components[2].output: expected a path relative to the source directory, without .., got '../x'",
      "components.yaml:17:13: components[2].static: expected true or false, got 'yes'",
      "components.yaml:18:1: extra: unknown key 'extra' (expected one of output_dir, components)",
    ]);
  });

  it('checks across components: unique names and roles, role or install, known depends, no cycles', () => {
    const c = (name: string, extra: string) =>
      `  - name: ${name}\n    source: s\n    builder: make\n    output: o\n${extra}`;
    expect(
      lines(
        `components:\n${c('a', '    role: init\n')}${c('a', '    role: init\n')}${c('b', '')}${c('d', '    install: /usr/bin/d\n    depends: [zz, d]\n')}`,
      ),
    ).toEqual([
      "components.yaml:7:11: components[1].name: expected a unique name, got 'a' again (components[0])",
      "components.yaml:11:11: components[1].role: expected each role once, got 'init' again (a)",
      'components.yaml:12:5: components[2]: expected either role or install, got neither',
      "components.yaml:21:15: components[3].depends[0]: expected the name of another component, got 'zz'",
      'components.yaml:21:19: components[3].depends[1]: expected the name of another component, got itself',
    ]);
    expect(
      lines(
        `components:\n${c('a', '    role: init\n    depends: [b]\n')}${c('b', '    role: agent\n    depends: [a]\n')}`,
      ),
    ).toEqual(['components.yaml:7:14: components[0].depends: expected no cycle, got a -> b -> a']);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(lines('components:\n  - name: [unclosed\n')[0]).toMatch(/^components\.yaml:\d+:\d+: /);
  });
});
