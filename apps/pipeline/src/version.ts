/** earshot's version (the pipeline package's; a test keeps them equal). */
export const EARSHOT_VERSION = '0.1.0';
