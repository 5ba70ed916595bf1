/**
 * The schema of `components.yaml`: what rock-build builds, with which builder, and what each output
 * must be. Every object is strict (a misspelt key is an error, never ignored); the same schema is
 * published as `schemas/components.schema.json` for editors. Each `error` text reads after
 * "expected", as in the rest of the suite: `components[0].builder: expected one of cargo, go, ...`.
 */
import { z } from 'zod';

/** Component names: also file names of logs and cache keys, so a small portable set. */
export const COMPONENT_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Machines an output may be built for: `e_machine` and ELF class of each. */
export const MACHINES = {
  x86_64: { machine: 62, class: 64 },
  aarch64: { machine: 183, class: 64 },
  riscv64: { machine: 243, class: 64 },
  i386: { machine: 3, class: 32 },
  arm: { machine: 40, class: 32 },
} as const;
export type MachineName = keyof typeof MACHINES;

const relativePath = z
  .string({ error: 'a relative path' })
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), {
    error: 'a path relative to the source directory, without ..',
  });

const common = {
  name: z
    .string({ error: 'a component name' })
    .regex(COMPONENT_NAME, { error: 'a name of lower-case letters, digits, . _ - (at most 63)' })
    .describe('the component, e.g. rock-init'),
  source: z.string({ error: 'a directory' }).min(1).describe('source directory, relative to this file'),
  output: relativePath.describe('the file the builder produces, relative to the source directory'),
  role: z
    .enum(['init', 'manager', 'agent', 'busybox'], { error: 'one of init, manager, agent, busybox' })
    .optional()
    .describe('the contract role the output fills; the file is named after it'),
  install: z
    .string({ error: 'an absolute path inside the image' })
    .regex(/^\/[^\0]+$/, { error: 'an absolute path inside the image' })
    .optional()
    .describe('where an extra component goes in the image (instead of a role)'),
  static: z
    .boolean({ error: 'true or false' })
    .default(false)
    .describe('true: the output must have no PT_INTERP and no DT_NEEDED'),
  machine: z
    .enum(Object.keys(MACHINES) as [MachineName, ...MachineName[]], {
      error: `one of ${Object.keys(MACHINES).join(', ')}`,
    })
    .default('x86_64')
    .describe('the ELF machine the output must be for'),
  env: z
    .array(z.string().regex(ENV_NAME, { error: 'an environment variable name' }))
    .default([])
    .describe("names of the caller's environment variables passed to the builder (and keyed)"),
  depends: z
    .array(z.string({ error: 'a component name' }))
    .default([])
    .describe('components built first'),
  exclude: z
    .array(z.string({ error: 'a .gitignore-style pattern' }).min(1))
    .default([])
    .describe('.gitignore-style patterns of source files that are not inputs'),
  inputs: z
    .array(z.string({ error: 'a file path' }).min(1))
    .default([])
    .describe('files outside the source directory that are inputs too (relative to this file)'),
};

const cargo = z
  .strictObject({
    ...common,
    builder: z.literal('cargo'),
    target: z.string().min(1).optional().describe('rustc target triple, e.g. x86_64-unknown-linux-musl'),
    features: z.array(z.string().min(1)).default([]).describe('cargo features'),
    profile: z.string().min(1).optional().describe('cargo profile; default dev, or release with --release'),
  })
  .describe('cargo build --offline [--target] [--features] [--profile]');

const go = z
  .strictObject({
    ...common,
    builder: z.literal('go'),
    goos: z.string().min(1).default('linux').describe('GOOS'),
    goarch: z.string().min(1).default('amd64').describe('GOARCH'),
    cgo_enabled: z.boolean({ error: 'true or false' }).default(false).describe('CGO_ENABLED'),
    ldflags: z.string().optional().describe('-ldflags'),
    package: z.string().min(1).default('.').describe('the package to build'),
  })
  .describe('go build -trimpath [-ldflags] -o OUTPUT PACKAGE');

const make = z
  .strictObject({
    ...common,
    builder: z.literal('make'),
    target: z.string().min(1).optional().describe('the make target'),
    variables: z.record(z.string(), z.string()).default({}).describe('NAME=VALUE on the command line'),
  })
  .describe('make [TARGET] [NAME=VALUE...]');

const command = z
  .strictObject({
    ...common,
    builder: z.literal('command'),
    argv: z.array(z.string()).min(1, { error: 'a program and its arguments' }).describe('argv'),
    shell: z
      .boolean({ error: 'true or false' })
      .default(false)
      .describe('run argv[0] as a script with sh -c (the rest are $1...)'),
  })
  .describe('a program run without a shell, unless shell: true');

/** One component of the manifest. */
export const componentSchema = z.discriminatedUnion('builder', [cargo, go, make, command], {
  error: 'one of cargo, go, make, command',
});

/** The whole `components.yaml`. */
export const manifestSchema = z
  .strictObject({
    output_dir: z
      .string()
      .min(1)
      .optional()
      .describe('where outputs go, relative to this file (default build/components)'),
    components: z.array(componentSchema).min(1, { error: 'at least one component' }),
  })
  .describe('rock-build components manifest');

/** A component as validated (defaults applied). */
export type Component = z.output<typeof componentSchema>;
export type Manifest = z.output<typeof manifestSchema>;
export type Builder = Component['builder'];
