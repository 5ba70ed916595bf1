/** The default definition file name (its own module: `rock-image --help` names it without loading the schema). */
export const IMAGE_DEFINITION_FILE = 'rock-image.yaml';
