import { CONFIG_KEY_PATH } from '../contract/paths.js';

/** The CONFIG_KEY file name of the contract, the default output of `keygen`. */
export const CONFIG_KEY_NAME = CONFIG_KEY_PATH.slice(CONFIG_KEY_PATH.lastIndexOf('/') + 1);
/** The default secret key file of `keygen --sign`. */
export const SIGNING_KEY_NAME = 'rock-sign.key';
