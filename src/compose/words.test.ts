// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the pipeline syntax under test, not a template
import { describe, expect, it } from 'vitest';
import { captureValue } from './capture.js';
import { durationMs } from './duration.js';
import { redactText } from './redact.js';
import { splitWords } from './shell-words.js';
import { expandVariables, findRefs } from './variables.js';
import { evaluateCondition, parseCondition } from './when.js';

describe('splitWords', () => {
  it('splits like a shell: quotes, escapes, blanks', () => {
    expect(splitWords(`rock-mac allocate --device "node 1" --metadata '{"a": 1}' a\\ b ""`)).toEqual({
      ok: true,
      words: ['rock-mac', 'allocate', '--device', 'node 1', '--metadata', '{"a": 1}', 'a b', ''],
    });
    expect(splitWords(`echo "say \\"hi\\" \\$HOME" x"y"z`)).toEqual({
      ok: true,
      words: ['echo', 'say "hi" $HOME', 'xyz'],
    });
  });

  it('refuses an unclosed quote and an empty line', () => {
    expect(splitWords(`echo "open`)).toEqual({
      ok: false,
      message: 'expected a closing " for the quote at character 6',
    });
    expect(splitWords(`echo 'open`)).toEqual({
      ok: false,
      message: "expected a closing ' for the quote at character 6",
    });
    expect(splitWords('   ')).toEqual({ ok: false, message: 'expected a command, got an empty line' });
  });
});

describe('variables', () => {
  it('finds ${NAME}, ignores $name and $${NAME}, flags malformed references', () => {
    expect(findRefs('a ${X} $HOME $${Y} ${Z}').map((r) => r.name)).toEqual(['X', 'Z']);
    expect(findRefs('${1x} ${A:-b}').map((r) => r.valid)).toEqual([false, false]);
    expect(findRefs('${OPEN').map((r) => r.text)).toEqual(['${']);
  });

  it('expands inside a word, keeps $x and unescapes $${', () => {
    expect(expandVariables('--mac=${MAC} $HOME $${MAC}', new Map([['MAC', 'a4:58:0f:01:00:01']]))).toBe(
      '--mac=a4:58:0f:01:00:01 $HOME ${MAC}',
    );
    expect(() => expandVariables('${NOPE}', new Map())).toThrow(/has no value/);
  });
});

describe('when', () => {
  const values = new Map([
    ['POOL', 'production'],
    ['EMPTY', ''],
    ['SPACED', 'a == b'],
  ]);
  const check = (text: string) => {
    const parsed = parseCondition(text);
    if (!parsed.ok) throw new Error(parsed.message);
    return evaluateCondition(parsed.condition, values);
  };

  it('compares and tests truth', () => {
    expect(check('${POOL} == production')).toBe(true);
    expect(check("${POOL} != 'production'")).toBe(false);
    expect(check('${POOL}')).toBe(true);
    expect(check('${EMPTY}')).toBe(false);
    // A value is never parsed as part of the condition.
    expect(check('${SPACED} == "a == b"')).toBe(true);
  });

  it('refuses what it cannot read', () => {
    expect(parseCondition('${A} is big')).toEqual({
      ok: false,
      message: `expected a condition like "\${VAR} == value", got '\${A} is big'`,
    });
  });
});

describe('captureValue', () => {
  it('trims exactly one final newline from stdout', () => {
    expect(captureValue(Buffer.from('a\n\n'), {})).toEqual({ ok: true, value: 'a\n' });
    expect(captureValue(Buffer.from('a\r\n'), {})).toEqual({ ok: true, value: 'a' });
  });

  it('takes a field of a JSON result, at the top or one level down', () => {
    expect(captureValue(Buffer.from('{"macAddress":"a4:58:0f:01:00:01"}'), { field: 'macAddress' })).toEqual({
      ok: true,
      value: 'a4:58:0f:01:00:01',
    });
    expect(captureValue(Buffer.from('{"allocation":{"macAddress":"x"}}'), { field: 'macAddress' })).toEqual({
      ok: true,
      value: 'x',
    });
    expect(captureValue(Buffer.from('Allocated MAC: x'), { field: 'macAddress' })).toMatchObject({
      ok: false,
    });
  });

  it('takes the first group of a pattern, or the whole match', () => {
    expect(captureValue(Buffer.from('id=42 id=43'), { pattern: /id=(\d+)/ })).toEqual({
      ok: true,
      value: '42',
    });
    expect(captureValue(Buffer.from('id=42'), { pattern: /\d+/ })).toEqual({ ok: true, value: '42' });
  });
});

describe('small helpers', () => {
  it('reads durations', () => {
    expect([
      durationMs(1.5),
      durationMs('500ms'),
      durationMs('30s'),
      durationMs('2m'),
      durationMs('1h'),
    ]).toEqual([1500, 500, 30_000, 120_000, 3_600_000]);
  });

  it('redacts every occurrence of every secret', () => {
    expect(redactText('k=abc and abc; def', ['abc', 'def', ''])).toBe('k=*** and ***; ***');
  });
});
