// Entry point Pulumi's policy runner loads. The runner require()s the pack (CommonJS, with ts-node registered), but
// the pack is ES-module TypeScript like the rest of the repository, so this hands over to an ES module that imports it
// through tsx's loader. The runner awaits the exported promise; index.ts then starts the CrossGuard gRPC server.
module.exports = import("./run.mjs");
