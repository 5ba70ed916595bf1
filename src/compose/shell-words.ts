/**
 * Splits a command line into argv the way a POSIX shell splits words, without running a shell:
 * blanks separate words; '...' keeps everything literally; "..." keeps blanks and lets a backslash
 * escape `"`, `\`, `$` and a backquote; a backslash outside quotes escapes the next character.
 * Nothing else is special here (no globs, no `|`, no `$x`): `${VAR}` is expanded by the runner
 * afterwards, inside each word, so a value with spaces stays one argument.
 *
 * @example splitWords(`rock-mac allocate --device "node 1"`) // ['rock-mac', 'allocate', '--device', 'node 1']
 */
export function splitWords(line: string): { ok: true; words: string[] } | { ok: false; message: string } {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i] as string;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return { ok: false, message: `expected a closing ' for the quote at character ${i + 1}` };
      word += line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= line.length)
          return { ok: false, message: `expected a closing " for the quote at character ${i + 1}` };
        const d = line[j] as string;
        if (d === '"') break;
        if (d === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1] as string)) {
          word += line[j + 1];
          j += 2;
        } else {
          word += d;
          j++;
        }
      }
      i = j + 1;
    } else if (c === '\\') {
      if (i + 1 >= line.length) return { ok: false, message: 'expected a character after the final \\' };
      if (line[i + 1] !== '\n') word += line[i + 1];
      i += 2;
    } else {
      word += c;
      i++;
    }
  }
  if (inWord) words.push(word);
  if (words.length === 0) return { ok: false, message: 'expected a command, got an empty line' };
  return { ok: true, words };
}
