// Kept equal to package.json's version by test/cli.test.ts (a constant works the same in the ESM and CommonJS builds).
export const RECEIVER_VERSION = '0.1.0';
