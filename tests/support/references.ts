/**
 * What a reader of this repository can follow: requirement ids that docs/requirements.md defines, decisions that
 * docs/decisions.md records, policy ids that docs/policies.md lists, and paths inside the repository. Pure functions
 * over text, so each check is shown failing on a made-up line before it judges the tree.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

/** `R-5.1.1`, `R-DR-1`, `R-SEC-4`: the ids docs/requirements.md defines in its first table column. */
const REQUIREMENT_ID = /\bR-(?:[A-Z]+-)?\d+(?:\.\d+)*\b/g;

export function requirementIdsDefined(requirementsMarkdown: string): Set<string> {
  const ids = new Set<string>();
  for (const line of requirementsMarkdown.split("\n")) {
    const cell = /^\| (R-[A-Z0-9.-]+) \|/.exec(line);
    if (cell) ids.add(cell[1]);
  }
  return ids;
}

export function requirementIdsCited(text: string): string[] {
  return [...new Set(text.match(REQUIREMENT_ID) ?? [])];
}

/** Decision ids (`D12`) defined as headings of docs/decisions.md. */
export function decisionIdsDefined(decisionsMarkdown: string): Set<string> {
  return new Set([...decisionsMarkdown.matchAll(/^### (D\d+) /gm)].map((m) => m[1]));
}

/** Policy catalogue ids (`N5`) in the second column of docs/policies.md's tables. */
export function policyIdsDefined(policiesMarkdown: string): Set<string> {
  return new Set([...policiesMarkdown.matchAll(/^\| `[a-z0-9-]+` \| ([A-Z]\d+) \|/gm)].map((m) => m[1]));
}

/** Repository paths written in backticks (`infra/x.ts`, `docs/y.md`) or bare (docs/y.md) in a Markdown text. */
export function repositoryPathsCited(markdown: string): string[] {
  const candidates = [
    ...[...markdown.matchAll(/`([A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)+)`/g)].map((m) => m[1]),
    ...[
      ...markdown.matchAll(
        /(?<![`\w/.-])((?:docs|infra|stacks|tools|policy|drill|tests|sql|scripts)\/[A-Za-z0-9_./-]*[A-Za-z0-9_-])/g,
      ),
    ].map((m) => m[1]),
  ];
  // Only what names a file or folder of this tree; URLs and package names (`@pulumi/x`) are not paths here.
  return [
    ...new Set(
      candidates.filter((p) => !p.includes("://") && !p.startsWith("@") && /\.[a-z]+$|\/$|^[a-z]+\/[a-z-]+$/.test(p)),
    ),
  ];
}

export function missingPaths(paths: readonly string[], root = "."): string[] {
  return paths.filter((p) => !existsSync(`${root}/${p}`));
}

/** Every tracked text file, as git sees it (the repository a user clones). */
export function trackedTextFiles(): string[] {
  return execFileSync("git", ["ls-files"], { encoding: "utf8" })
    .split("\n")
    .filter((f) => f && !/\.(png|jpe?g|gif|ico|pem|lock)$|package-lock\.json$/.test(f) && existsSync(f));
}

export function read(path: string): string {
  return readFileSync(path, "utf8");
}

/**
 * References a reader of this repository cannot open: the source documents' own section numbers and file names, our
 * early notes, the issue tracker's numbers and paths outside the tree. Each names what to cite instead.
 */
export const OUTSIDE_REFERENCES: readonly { readonly pattern: RegExp; readonly instead: string }[] = [
  { pattern: /\bseed[ _-]?0\d\d\b/i, instead: "a requirement id from docs/requirements.md" },
  { pattern: /\b(?:install )?plan(?:'s)? §\d/i, instead: "a requirement id (R-5.1.1) from docs/requirements.md" },
  { pattern: /\bfacts (?:row|file)\b/i, instead: "the Learn page and sentence, or a decision id" },
  { pattern: /(?<![\w/.-]#?)\b[Ii]ssues? #?\d+\b/, instead: "a decision id (D12) or the repository's own docs" },
  {
    pattern: /(?:\.\.\/)+shared\/|\bshared\/reference\//,
    instead: "a file of this repository or the owner's document",
  },
  { pattern: /(?<![\w.-])\/(?:work|home|Users|tmp\/[\w-]+-notes)\//, instead: "a path relative to the repository" },
];

/** The outside references in one text, as `line: pattern → what to cite instead`. */
export function outsideReferences(text: string): string[] {
  const found: string[] = [];
  text.split("\n").forEach((line, i) => {
    for (const { pattern, instead } of OUTSIDE_REFERENCES) {
      const m = pattern.exec(line);
      if (m) found.push(`${i + 1}: "${m[0]}" → cite ${instead}`);
    }
  });
  return found;
}
