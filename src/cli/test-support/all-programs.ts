import type { Command } from '@commander-js/extra-typings';
import type { CommandContext } from '../context.js';
import { rockBuildProgram } from '../rock-build.js';
import { rockCacheProgram } from '../rock-cache.js';
import { rockComposeProgram } from '../rock-compose.js';
import { rockConfigProgram } from '../rock-config.js';
import { rockDepsProgram } from '../rock-deps.js';
import { rockImageProgram } from '../rock-image.js';
import { rockKernelProgram } from '../rock-kernel.js';
import { rockMacProgram } from '../rock-mac.js';
import { rockSecurityProgram } from '../rock-security.js';
import { rockVerifyProgram } from '../rock-verify.js';

/** Every tool's program builder, by tool name, taking a (test) context. */
export const ALL_PROGRAMS: readonly [string, (context: CommandContext) => Command][] = [
  ['rock-image', (c) => rockImageProgram(c)],
  ['rock-verify', (c) => rockVerifyProgram(c)],
  ['rock-deps', (c) => rockDepsProgram(c)],
  ['rock-kernel', (c) => rockKernelProgram(c)],
  ['rock-security', (c) => rockSecurityProgram(c)],
  ['rock-config', (c) => rockConfigProgram(c)],
  ['rock-mac', (c) => rockMacProgram(c)],
  ['rock-cache', (c) => rockCacheProgram(c)],
  ['rock-compose', (c) => rockComposeProgram(c)],
  ['rock-build', (c) => rockBuildProgram(c)],
];
