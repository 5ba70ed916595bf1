/**
 * A stand-in docker credential helper for tests: `docker-credential-rocktest`, a small node program
 * that keeps `{server: {Username, Secret}}` in a JSON file, answers `get`/`store`/`erase` as the
 * docker-credential-helpers protocol does, and logs its argv (so a test can see no secret on it).
 */
import fs from 'node:fs';
import path from 'node:path';

export interface CredentialHelperFixture {
  /** Put this directory first on PATH. */
  binDir: string;
  /** The helper's store: `{server: {Username, Secret}}`. */
  storeFile: string;
  /** One line per call: the argv after the program name. */
  argvLog: string;
}

const PROGRAM = `#!${process.execPath}
const fs = require('node:fs');
const [storeFile, argvLog] = [process.env.ROCK_TEST_HELPER_STORE, process.env.ROCK_TEST_HELPER_ARGV];
fs.appendFileSync(argvLog, process.argv.slice(2).join(' ') + '\\n');
const store = fs.existsSync(storeFile) ? JSON.parse(fs.readFileSync(storeFile, 'utf8')) : {};
const input = fs.readFileSync(0, 'utf8');
const verb = process.argv[2];
if (verb === 'get') {
  const found = store[input.trim()];
  if (!found) { process.stdout.write('credentials not found in native keychain\\n'); process.exit(1); }
  process.stdout.write(JSON.stringify({ ServerURL: input.trim(), ...found }));
} else if (verb === 'store') {
  const c = JSON.parse(input);
  if (c.Username === 'refuse-me') { process.stderr.write('cannot store ' + c.Secret + '\\n'); process.exit(3); }
  store[c.ServerURL] = { Username: c.Username, Secret: c.Secret };
  fs.writeFileSync(storeFile, JSON.stringify(store));
} else if (verb === 'erase') {
  if (!store[input.trim()]) { process.stdout.write('credentials not found in native keychain\\n'); process.exit(1); }
  delete store[input.trim()];
  fs.writeFileSync(storeFile, JSON.stringify(store));
} else process.exit(2);
`;

/** Writes the helper under `dir`; its environment variables come from {@link helperEnv}. */
export function installCredentialHelper(dir: string): CredentialHelperFixture {
  const binDir = path.join(dir, 'bin');
  fs.mkdirSync(binDir, { recursive: true });
  fs.writeFileSync(path.join(binDir, 'docker-credential-rocktest'), PROGRAM, { mode: 0o755 });
  return {
    binDir,
    storeFile: path.join(dir, 'helper-store.json'),
    argvLog: path.join(dir, 'helper-argv.log'),
  };
}

/** The environment under which `docker-credential-rocktest` is found and uses the fixture's files. */
export function helperEnv(fixture: CredentialHelperFixture): Record<string, string> {
  return {
    PATH: `${fixture.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    ROCK_TEST_HELPER_STORE: fixture.storeFile,
    ROCK_TEST_HELPER_ARGV: fixture.argvLog,
  };
}
