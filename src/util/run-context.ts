/**
 * What a library command may know of the world it runs in: the working directory, the environment
 * and `$ROCK_HOME`. The CLI's `CommandContext` (src/cli/context.ts) extends it with output and
 * terminal facts; a library caller (a server, a test) builds one itself instead of touching `process`.
 */
export interface RunContext {
  /** Where relative paths are resolved. */
  readonly cwd: string;
  /** The environment (ROCK_HOME, SOURCE_DATE_EPOCH, NO_COLOR, DOCKER_CONFIG, ...). */
  readonly env: Readonly<NodeJS.ProcessEnv>;
  /** `$ROCK_HOME`, default `~/.rock` (resolved, not created). */
  readonly home: string;
}
