// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} in these messages is the pipeline syntax, not a template
/**
 * The pipeline file, as a zod schema: the one source of both the parser and the editor schema
 * (`schemas/pipeline.schema.json`), so the two cannot drift (go-task #883). Every object is strict:
 * a misspelt key (`depend:`) is an error, not a stage that silently runs at the wrong time.
 *
 * Each `error` text is what was expected, phrased to follow "expected": messages read
 * `<file>:<line>:<col>: <path>: expected <that>, got <value>`.
 */
import { z } from 'zod';

const STAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DURATION = /^\d+(?:\.\d+)?(?:ms|s|m|h)$/;

const stageName = z
  .string({ error: 'a stage name' })
  .regex(STAGE_NAME, { error: 'a stage name of letters, digits, . _ - (at most 64)' });
const varName = z
  .string({ error: 'a variable name' })
  .regex(VAR_NAME, { error: 'a variable name like MAC_ADDRESS (letters, digits, _)' });
/** YAML turns `120` and `true` into numbers and booleans; in argv and env they are text. */
const word = z.union([z.string(), z.number(), z.boolean()], { error: 'a string' }).transform(String);
const DURATION_TEXT = 'a duration: seconds, or a number with ms, s, m or h (30s, 5m, 500ms)';
const duration = z.union(
  [z.number({ error: DURATION_TEXT }).positive(), z.string().regex(DURATION, { error: DURATION_TEXT })],
  { error: DURATION_TEXT },
);
const paths = z.array(z.string({ error: 'a path or glob' }).min(1), { error: 'a list of paths or globs' });

export const captureSchema = z.union(
  [
    varName,
    z.strictObject({
      var: varName.describe('variable that receives the value'),
      pattern: z
        .string()
        .optional()
        .describe('regular expression applied to stdout; the first group is the value'),
      secret: z.boolean().optional().describe('never show the value in logs, plans or results'),
    }),
  ],
  { error: 'a variable name, or { var, pattern, secret }' },
);

export const stageSchema = z
  .strictObject({
    name: stageName.describe('unique name of the stage'),
    description: z.string().optional(),
    tool: z
      .string({ error: 'a tool of this suite' })
      .regex(/^rock-[a-z]+$/, { error: 'a tool of this suite like rock-image' })
      .optional()
      .describe('a rock-* tool of this suite, run as this package’s own bin'),
    args: z.array(word, { error: 'a list of arguments' }).optional().describe('arguments of the tool'),
    command: z
      .string({ error: 'a command line' })
      .min(1, { error: 'a command line' })
      .optional()
      .describe('argv split like shell words, run without a shell unless shell: true'),
    shell: z.boolean().optional().describe('run command with /bin/sh -c'),
    depends: z.array(stageName, { error: 'a list of stage names' }).optional(),
    capture: captureSchema.optional().describe('keep the result in a variable for later stages'),
    env: z
      .record(varName, word, { error: 'a mapping of environment variables' })
      .optional()
      .describe('environment variables of the stage'),
    workdir: z.string().min(1).optional().describe('directory the stage runs in, relative to the pipeline'),
    inputs: paths.optional().describe('files, directories or globs the stage reads'),
    outputs: paths.optional().describe('files, directories or globs the stage writes'),
    retries: z.int({ error: 'an integer 0-10' }).min(0).max(10).optional(),
    retry_delay: duration.optional().describe('delay before the first retry, doubled each time (default 1s)'),
    timeout: duration.optional().describe('the stage is killed (with its process group) after this'),
    continue_on_error: z.boolean().optional().describe('a failure of this stage does not fail the run'),
    when: z
      .string({ error: 'a condition like "${POOL} == production"' })
      .optional()
      .describe('run only when true: ${VAR}, ${VAR} == value, ${VAR} != value'),
  })
  .superRefine((stage, ctx) => {
    if ((stage.tool === undefined) === (stage.command === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: stage.tool === undefined ? [] : ['command'],
        message: `expected exactly one of tool or command, got ${stage.tool === undefined ? 'neither' : 'both'}`,
      });
    }
    if (stage.args !== undefined && stage.tool === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['args'],
        message: 'expected args only with tool (a command carries its own arguments)',
      });
    if (stage.shell !== undefined && stage.command === undefined)
      ctx.addIssue({ code: 'custom', path: ['shell'], message: 'expected shell only with command' });
  })
  .describe('One step of the pipeline');

export const pipelineSchema = z
  .strictObject({
    name: z.string().optional().describe('name of the pipeline'),
    description: z.string().optional().describe('one line shown by rock-compose list'),
    variables: z
      .record(varName, word, { error: 'a mapping of variables' })
      .optional()
      .describe('default values; --var K=V overrides them'),
    env: z
      .array(varName, { error: 'a list of environment variable names' })
      .optional()
      .describe('environment variables the pipeline may use as ${NAME} (part of every key that uses them)'),
    stages: z.array(stageSchema, { error: 'a list of stages' }).min(1, { error: 'at least one stage' }),
  })
  .describe('A rock-compose pipeline');

/** A pipeline as parsed (defaults not applied). */
export type Pipeline = z.output<typeof pipelineSchema>;
/** One stage as parsed. */
export type Stage = z.output<typeof stageSchema>;
/** The capture field as parsed. */
export type CaptureSpec = z.output<typeof captureSchema>;
