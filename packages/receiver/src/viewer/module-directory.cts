// A CommonJS module in both builds (a .cts file), so `__dirname` tells where the compiled code lives whether the
// package was loaded with import or require; `import.meta` would not compile in the CommonJS build. Plain JavaScript
// syntax (no annotation): the test runner loads this file untranspiled.
export const COMPILED_VIEWER_DIRECTORY = __dirname;
