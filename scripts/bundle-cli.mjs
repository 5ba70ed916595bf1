#!/usr/bin/env node
// Bundles the compiled tools (dist/cli/rock-*.js, from `tsc`) into dist/bin/, the package's `bin`
// entries: one file per tool plus shared chunks. A tool then starts from a few files instead of the
// ~350 modules (ours, commander, yaml, zod, pg) it would otherwise resolve and compile one by one.
// Dynamic imports stay chunk boundaries, so what a command does not need is still never loaded.
// The native bindings stay external (they load their .node files relative to their own package).
// dist/bin/meta.json maps each output file back to the modules in it (for tests and inspection).
// The bundle's build id (src/util/build-id.ts) is a hash of the compiled code and the lockfile.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const cliDir = join(root, 'dist', 'cli');
const outdir = join(root, 'dist', 'bin');
const tools = readdirSync(cliDir).filter((f) => /^rock-[a-z]+\.js$/.test(f));
if (tools.length === 0) {
  console.error(`bundle-cli: no dist/cli/rock-*.js in ${cliDir}: run tsc first`);
  process.exit(2);
}

// Every compiled module (the .js files under dist/ but the bundle), sorted: what the build id covers.
function compiled(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => {
      const file = join(dir, d.name);
      if (d.isDirectory()) return file === outdir ? [] : compiled(file);
      return d.name.endsWith('.js') ? [file] : [];
    })
    .sort();
}
const id = createHash('sha256');
for (const file of [...compiled(join(root, 'dist')), join(root, 'package-lock.json')])
  id.update(`${relative(root, file)}\0`)
    .update(readFileSync(file))
    .update('\0');
const buildId = id.digest('hex').slice(0, 32);

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: tools.map((f) => join(cliDir, f)),
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Native bindings, and pg's optional native driver (absent: pg falls back to its JS client).
  external: ['better-sqlite3', 'lzma-native', 'zstd-napi', 'pg-native'],
  // Bundled CommonJS packages (commander, yaml, pg) call require(); ESM has none of its own.
  banner: {
    js: "import { createRequire as __rockCreateRequire } from 'node:module'; const require = __rockCreateRequire(import.meta.url);",
  },
  define: { __ROCK_BUILD_ID__: JSON.stringify(buildId) },
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  logLevel: 'warning',
});

const outputs = {};
for (const [file, out] of Object.entries(result.metafile.outputs)) {
  if (file.endsWith('.map')) continue;
  outputs[file.replace(/^dist\/bin\//, '')] = Object.keys(out.inputs).sort();
}
writeFileSync(join(outdir, 'meta.json'), `${JSON.stringify(outputs, null, 1)}\n`);
