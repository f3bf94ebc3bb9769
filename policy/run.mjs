// See run.cjs: imports the TypeScript pack with tsx (the same loader `npm test` and `npm run plan` use).
import { tsImport } from "tsx/esm/api";

await tsImport("./index.ts", import.meta.url);
