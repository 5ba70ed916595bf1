#!/usr/bin/env node
import { Command, type OptionValues } from '@commander-js/extra-typings';
import { InputError } from '../errors/index.js';
import type * as Registry from '../registry/index.js';
import type { ComponentRole, ComponentType } from '../registry/index.js';
import { VERSION } from '../version.js';
import { type CommandContext, processContext } from './context.js';
import { isEntryPoint } from './entry.js';
import { collect } from './option-values.js';
import { main } from './run.js';

const EXAMPLES = `
Examples:
  $ rock-registry add out/rock-init --name rock-init --version 1.4.2 --role init --depends busybox@1.36.1
  $ rock-registry list --json
  $ rock-registry deps rock-init@1.4.2
  $ rock-registry push rock-init@1.4.2 oci://127.0.0.1:5000/rock/rock-init
  $ rock-registry pull oci://127.0.0.1:5000/rock/rock-init:1.4.2 --to ./components
  $ rock-registry push-image out/initrd.img oci://registry.example/rock/image:2024.1
  $ rock-registry pull-image oci://registry.example/rock/image:2024.1 -o initrd.img --pub rock.pub
  $ printf '%s' "$TOKEN" | rock-registry login registry.example --username ci --password-stdin

Catalogue: $ROCK_HOME/registry.db (SQLite); bytes: rock-cache's store ($ROCK_CACHE_DIR or $ROCK_HOME/cache).
Credentials: $DOCKER_CONFIG/config.json or ~/.docker/config.json (as docker, oras, crane, skopeo).
Plain http only to loopback, or with --insecure.
Exit codes: 0 ok, 1 a check failed (digest, signature, cycle, version taken), 2 unusable input or usage.`;

function example(...lines: string[]): string {
  return `\nExample${lines.length > 1 ? 's' : ''}:\n${lines.map((l) => `  $ ${l}`).join('\n')}`;
}

function metadataPairs(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new InputError('BAD_OPTION', `--meta: expected KEY=VALUE, got '${pair}'`, { flag: '--meta' });
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** Reads all of stdin (the password of `login`); never echoed, never on argv. */
async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Builds the `rock-registry` program over `context`; `readStdin` gives the password of `login`. */
export function rockRegistryProgram(
  context: CommandContext = processContext(),
  readStdin: () => Promise<string> = readProcessStdin,
): Command {
  const { io } = context;
  const print = (json: boolean | undefined, value: unknown, text: string) =>
    io.out(json ? JSON.stringify(value, null, 2) : text);
  const program = new Command('rock-registry')
    .description(
      'A catalogue of components, kernels and images by name@version, shared through OCI registries',
    )
    .version(VERSION)
    // `add --version V` belongs to add: program options only before the command name.
    .enablePositionalOptions()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXAMPLES);
  // The catalogue's modules (SQLite, OCI, rock-cache) load before an action runs, never for --help.
  let registry: typeof Registry;
  program.hook('preAction', async () => {
    registry = await import('../registry/index.js');
  });

  program
    .command('add')
    .description('catalogue FILE as NAME@VERSION (bytes into rock-cache, metadata into registry.db)')
    .argument('<file>', 'the component, kernel or image file')
    .requiredOption('--name <name>', 'component name ([a-z0-9._-])')
    .requiredOption('--version <version>', 'version ([A-Za-z0-9._+~-]); a version is immutable')
    .option('--type <type>', 'component, kernel or image', 'component')
    .option('--role <role>', 'contract role: init, manager, agent or busybox')
    .option('--depends <name@version>', 'a dependency (repeatable)', collect, [] as string[])
    .option('--tag <tag>', 'a tag (repeatable)', collect, [] as string[])
    .option('--meta <key=value>', 'a metadata field (repeatable)', collect, [] as string[])
    .option('--json', 'print JSON only on stdout')
    .addHelpText(
      'after',
      example(
        'rock-registry add out/rock-init --name rock-init --version 1.4.2 --role init --depends busybox@1.36.1',
      ),
    )
    .action(async (file, o) => {
      const component = await registry.addComponent(
        {
          file,
          name: o.name,
          version: o.version,
          type: o.type as ComponentType,
          ...(o.role !== undefined ? { role: o.role as ComponentRole } : {}),
          dependencies: o.depends.map((d) => registry.parseComponentId(d, '--depends')),
          tags: o.tag,
          metadata: metadataPairs(o.meta),
        },
        context,
      );
      print(o.json, component, `added ${registry.formatId(component)} ${component.digest}`);
    });

  program
    .command('get')
    .description('show a component; with -o, also write its file')
    .argument('<name@version>')
    .option('-o, --output <file>', 'write the file here (atomically, with its mode)')
    .option('--json', 'print JSON only on stdout')
    .addHelpText('after', example('rock-registry get rock-init@1.4.2 -o build/rock-init'))
    .action(async (id, o) => {
      const c = await registry.getComponent(
        { ...registry.parseComponentId(id), ...(o.output !== undefined ? { output: o.output } : {}) },
        context,
      );
      print(o.json, c, registry.formatComponent(c));
    });

  program
    .command('list')
    .description('every component: name@version, type, role, size, digest')
    .option('--json', 'print JSON only on stdout')
    .addHelpText('after', example('rock-registry list --json'))
    .action(async (o) => {
      const list = await registry.listComponents({}, context);
      print(o.json, list, list.map(registry.formatComponentLine).join('\n'));
    });

  program
    .command('search')
    .description('components whose name, version, role, type, tags, digest or metadata contain TEXT')
    .argument('<text>')
    .option('--json', 'print JSON only on stdout')
    .addHelpText('after', example('rock-registry search agent'))
    .action(async (text, o) => {
      const list = await registry.searchComponents({ text }, context);
      print(o.json, list, list.map(registry.formatComponentLine).join('\n'));
    });

  program
    .command('deps')
    .description('the dependency tree (a diamond is shown once; a cycle is an error naming it)')
    .argument('<name@version>')
    .option('--json', 'print JSON only on stdout')
    .addHelpText('after', example('rock-registry deps rock-init@1.4.2'))
    .action(async (id, o) => {
      const tree = await registry.componentDependencies(registry.parseComponentId(id), context);
      print(o.json, tree, registry.formatDependencyTree(tree));
    });

  program
    .command('remove')
    .description('remove a component from the catalogue (refused while others depend on it)')
    .argument('<name@version>')
    .option('--json', 'print JSON only on stdout')
    .addHelpText('after', example('rock-registry remove rock-init@1.4.2'))
    .action(async (id, o) => {
      const c = await registry.removeComponent(registry.parseComponentId(id), context);
      print(o.json, c, `removed ${registry.formatId(c)}`);
    });

  program
    .command('export')
    .description('write the catalogue and its files to a tar archive')
    .argument('<file>')
    .option('--json', 'print JSON only on stdout')
    .addHelpText('after', example('rock-registry export registry.tar'))
    .action(async (file, o) => {
      const r = await registry.exportRegistry({ file }, context);
      print(o.json, r, `exported ${r.components} components, ${r.blobs} blobs to ${file}`);
    });

  program
    .command('import')
    .description('add the components of an export (every blob checked against its digest)')
    .argument('<file>')
    .option('--json', 'print JSON only on stdout')
    .addHelpText('after', example('rock-registry import registry.tar'))
    .action(async (file, o) => {
      const r = await registry.importRegistry({ file }, context);
      print(o.json, r, `imported ${r.components} components, ${r.blobs} blobs from ${file}`);
    });

  const remote = <Args extends unknown[], Opts extends OptionValues>(cmd: Command<Args, Opts>) =>
    cmd
      .option('--insecure', 'allow plain http to a host that is not loopback')
      .option('--json', 'print JSON only on stdout');

  remote(
    program
      .command('push')
      .description('push a catalogued component as an OCI artifact (tag default: its version)')
      .argument('<name@version>')
      .argument('<oci-ref>', 'oci://HOST[:PORT]/REPO[:TAG]'),
  )
    .addHelpText('after', example('rock-registry push busybox@1.36.1 oci://127.0.0.1:5000/rock/busybox'))
    .action(async (id, target, o) => {
      const r = await registry.pushComponent(
        { ...registry.parseComponentId(id), target, insecure: o.insecure },
        context,
      );
      print(
        o.json,
        r,
        `pushed ${id} to ${r.reference} ${r.digest} (${r.uploaded.length} blobs sent, ${r.skipped.length} present)`,
      );
    });

  remote(
    program
      .command('pull')
      .description('pull a component artifact into the catalogue (and rock-cache), verifying every digest')
      .argument('<oci-ref>', 'oci://HOST[:PORT]/REPO:TAG or @sha256:...'),
  )
    .option('--to <dir>', 'also write the file into this directory, under its title')
    .addHelpText(
      'after',
      example('rock-registry pull oci://127.0.0.1:5000/rock/busybox:1.36.1 --to ./components'),
    )
    .action(async (ref, o) => {
      const r = await registry.pullComponent(
        { source: ref, insecure: o.insecure, ...(o.to !== undefined ? { to: o.to } : {}) },
        context,
      );
      print(
        o.json,
        r,
        `pulled ${registry.formatId(r.component)} ${r.component.digest}${r.file ? ` -> ${r.file}` : ''}`,
      );
    });

  remote(
    program
      .command('push-image')
      .description('push a whole image (and IMAGE.minisig, as tag sha256-<digest>.sig) as an OCI artifact')
      .argument('<image>')
      .argument('<oci-ref>', 'oci://HOST[:PORT]/REPO[:TAG] (tag default: latest)'),
  )
    .addHelpText(
      'after',
      example('rock-registry push-image out/initrd.img oci://127.0.0.1:5000/rock/image:1.0'),
    )
    .action(async (image, target, o) => {
      const r = await registry.pushImage({ image, target, insecure: o.insecure }, context);
      print(
        o.json,
        r,
        `pushed ${image} to ${r.reference} ${r.digest}${r.signature ? ` (signature ${r.signature.reference})` : ''}`,
      );
    });

  remote(
    program
      .command('pull-image')
      .description('pull an image (and its .minisig), verified bit for bit; with --pub, its signature too')
      .argument('<oci-ref>', 'oci://HOST[:PORT]/REPO:TAG or @sha256:...'),
  )
    .requiredOption('-o, --output <image>', 'the image file to write (IMAGE.minisig beside it)')
    .option('--pub <key>', 'minisign public key the signature must verify with')
    .addHelpText(
      'after',
      example('rock-registry pull-image oci://127.0.0.1:5000/rock/image:1.0 -o initrd.img --pub rock.pub'),
    )
    .action(async (ref, o) => {
      const r = await registry.pullImage(
        {
          source: ref,
          output: o.output,
          insecure: o.insecure,
          ...(o.pub !== undefined ? { publicKey: o.pub } : {}),
        },
        context,
      );
      const signed = r.verifiedBy
        ? `, signature verified (key ${r.verifiedBy})`
        : r.signatureFile
          ? `, with ${r.signatureFile}`
          : '';
      print(o.json, r, `pulled ${r.reference} -> ${r.output} ${r.imageDigest}${signed}`);
    });

  remote(
    program
      .command('inspect')
      .description('print the manifest a reference names, with its annotations')
      .argument('<oci-ref>', 'oci://HOST[:PORT]/REPO:TAG or @sha256:...'),
  )
    .addHelpText('after', example('rock-registry inspect oci://127.0.0.1:5000/rock/busybox:1.36.1 --json'))
    .action(async (ref, o) => {
      const r = await registry.inspectArtifact({ source: ref, insecure: o.insecure }, context);
      print(o.json, r, registry.formatInspect(r));
    });

  program
    .command('login')
    .description("check credentials against HOST and store them in docker's config.json")
    .argument('<host>', 'HOST[:PORT]')
    .requiredOption('-u, --username <name>', 'user name')
    .requiredOption('--password-stdin', 'read the password from stdin (the only way: never on argv)')
    .option('--insecure', 'allow plain http to a host that is not loopback')
    .option('--json', 'print JSON only on stdout')
    .addHelpText(
      'after',
      example(`printf '%s' "$PASSWORD" | rock-registry login 127.0.0.1:5000 -u ci --password-stdin`),
    )
    .action(async (host, o) => {
      const password = (await readStdin()).replace(/\r?\n$/, '');
      const r = await registry.login({ host, username: o.username, password, insecure: o.insecure }, context);
      print(
        o.json,
        r,
        `logged in to ${r.host} as ${r.username} (${r.helper ? `${r.helper}, noted in ` : ''}${r.file})`,
      );
    });

  program
    .command('logout')
    .description("remove HOST's credentials from docker's config.json")
    .argument('<host>', 'HOST[:PORT]')
    .option('--json', 'print JSON only on stdout')
    .addHelpText('after', example('rock-registry logout 127.0.0.1:5000'))
    .action(async (host, o) => {
      const r = await registry.logout({ host }, context);
      print(
        o.json,
        r,
        r.removed ? `logged out of ${host} (${r.file})` : `no credentials for ${host} in ${r.file}`,
      );
    });

  return program;
}

if (isEntryPoint(import.meta.url)) main('rock-registry', rockRegistryProgram());
