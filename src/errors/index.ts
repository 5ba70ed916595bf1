export { COMMON_ERROR_CODES, type CommonErrorCode, isToolErrorOf } from './error-codes.js';
export { CheckError, ExitError, hexOffset, InputError, InternalError, ToolError } from './tool-error.js';
