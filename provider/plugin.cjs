// Entry of the component provider plugin (package.json "main"). Pulumi's plugin runner (cmd/run-plugin) loads it with
// require() and, finding the exported ComponentResource classes, serves them over gRPC (D82). tsx's CommonJS hook lets
// that require() load the TypeScript sources, so the plugin runs what the stack program runs, without a build step.
require("tsx/cjs/api").register();
const { Platform } = require("../stacks/platform.ts");

module.exports = { Platform };
