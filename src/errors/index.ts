export { CheckError, ExitError, hexOffset, InputError, InternalError, ToolError } from './tool-error.js';
