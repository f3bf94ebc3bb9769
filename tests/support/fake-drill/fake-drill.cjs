// A stand-in for `az` and `kubectl` in the Azure drill's tests: answers each call with the first recorded rule whose
// pattern matches the call ("<program> <argv joined by spaces>"), from $FAKE_DRILL_OVERRIDES (a JSON array, tried
// first: the wrong values of the negative tests) then $FAKE_DRILL_RECORDING (a JSON file). A rule prints `stdout`
// (or `lines`, one every `intervalMs`, as a writer does over time), `stderr`, after `delayMs`, and exits `code`. Each
// call is appended to $FAKE_DRILL_LOG with its start and end time. A call without a rule exits 1, as a real failure.
const fs = require("node:fs");
const program = process.argv[2];
const args = process.argv.slice(3);
const call = `${program} ${args.join(" ")}`;
const rules = [
  ...JSON.parse(process.env.FAKE_DRILL_OVERRIDES || "[]"),
  ...JSON.parse(fs.readFileSync(process.env.FAKE_DRILL_RECORDING, "utf8")),
];
// `after` / `notAfter`: the rule holds only once an earlier call matching it was made (or not yet) — server roles
// change with a promotion.
const earlier =
  process.env.FAKE_DRILL_LOG && fs.existsSync(process.env.FAKE_DRILL_LOG)
    ? fs
        .readFileSync(process.env.FAKE_DRILL_LOG, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l).call)
    : [];
const seen = (re) => earlier.some((c) => new RegExp(re, "s").test(c));
const rule = rules.find(
  (r) =>
    new RegExp(r.when, "s").test(call) &&
    (r.after === undefined || seen(r.after)) &&
    (r.notAfter === undefined || !seen(r.notAfter)),
);
const started = Date.now();
const finish = (code) => {
  if (process.env.FAKE_DRILL_LOG)
    fs.appendFileSync(process.env.FAKE_DRILL_LOG, JSON.stringify({ call, started, ended: Date.now(), code }) + "\n");
  process.exitCode = code;
};
if (!rule) {
  process.stderr.write(`ERROR: no recording for: ${call}\n`);
  finish(1);
} else {
  setTimeout(() => {
    const lines = rule.lines ?? [];
    let i = 0;
    const next = () => {
      if (i < lines.length) {
        process.stdout.write(lines[i++] + "\n");
        return void setTimeout(next, rule.intervalMs ?? 10);
      }
      if (rule.stdout) process.stdout.write(rule.stdout);
      if (rule.stderr) process.stderr.write(rule.stderr);
      finish(rule.code ?? 0);
    };
    next();
  }, rule.delayMs ?? 0);
}
