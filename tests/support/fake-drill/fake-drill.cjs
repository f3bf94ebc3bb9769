// A stand-in for `az` and `kubectl` in the Azure drill's tests: answers each call with the first recorded rule whose
// pattern matches the call ("<program> <argv joined by spaces>"), from $FAKE_DRILL_OVERRIDES (a JSON array, tried
// first: the wrong values of the negative tests) then $FAKE_DRILL_RECORDING (a JSON file). A rule prints `stdout`
// (or `lines`, one every `intervalMs`, as a writer does over time), `stderr`, after `delayMs`, and exits `code`;
// `after` / `notAfter` make it hold only once an earlier call matching them was made (or not yet): server roles change
// with a promotion. Each call is appended to $FAKE_DRILL_LOG with its start and end time. A call without a rule exits
// 1, as a real failure would. `answer` is the same lookup for tests that answer in-process.
const fs = require("node:fs");

function answer(call, rules, earlier) {
  const seen = (re) => earlier.some((c) => new RegExp(re, "s").test(c));
  const rule = rules.find(
    (r) =>
      new RegExp(r.when, "s").test(call) &&
      (r.after === undefined || seen(r.after)) &&
      (r.notAfter === undefined || !seen(r.notAfter)),
  );
  return rule ?? { code: 1, stderr: `ERROR: no recording for: ${call}\n` };
}
module.exports = { answer };

if (require.main === module) {
  const call = process.argv.slice(2).join(" ");
  const rules = [
    ...JSON.parse(process.env.FAKE_DRILL_OVERRIDES || "[]"),
    ...JSON.parse(fs.readFileSync(process.env.FAKE_DRILL_RECORDING, "utf8")),
  ];
  const log = process.env.FAKE_DRILL_LOG;
  const earlier =
    log && fs.existsSync(log)
      ? fs
          .readFileSync(log, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l).call)
      : [];
  const rule = answer(call, rules, earlier);
  const started = Date.now();
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
      if (log)
        fs.appendFileSync(log, JSON.stringify({ call, started, ended: Date.now(), code: rule.code ?? 0 }) + "\n");
      process.exitCode = rule.code ?? 0;
    };
    next();
  }, rule.delayMs ?? 0);
}
