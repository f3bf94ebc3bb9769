// The CrossGuard entry point. The PolicyPack constructor starts a gRPC server, so nothing else imports this file:
// tests and `npm run plan` use pack.ts and evaluate.ts.
import { PolicyPack } from "@pulumi/policy";
import { ALL_POLICIES, POLICY_PACK_NAME } from "./pack.js";

new PolicyPack(POLICY_PACK_NAME, { policies: [...ALL_POLICIES] });
