// Pulumi entry point (Pulumi.yaml `main`): the exported function is the stack program; its result is the stack outputs.
import { program } from "./stacks/program.js";

export default program;
