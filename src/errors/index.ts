export { CheckError, ExitError, InputError, InternalError, hexOffset, ToolError } from './tool-error.js';
