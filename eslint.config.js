// ESLint (flat config): typescript-eslint's type-aware recommended rules, the project's import boundaries, and
// Prettier owning layout (eslint-config-prettier turns the stylistic rules off).
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

/** node:test's describe/it/before/after return promises the runner itself awaits. */
const NODE_TEST_CALLS = [
  {
    from: "package",
    package: "node:test",
    name: ["describe", "it", "test", "before", "after", "beforeEach", "afterEach", "suite"],
  },
];

/** Untyped JSON (captured inputs, plan documents, az output) is what tests probe; unsafe-* rules would only add casts. */
const UNTYPED_JSON_RULES = {
  "@typescript-eslint/no-explicit-any": "off",
  "@typescript-eslint/no-unsafe-assignment": "off",
  "@typescript-eslint/no-unsafe-member-access": "off",
  "@typescript-eslint/no-unsafe-call": "off",
  "@typescript-eslint/no-unsafe-argument": "off",
  "@typescript-eslint/no-unsafe-return": "off",
  "@typescript-eslint/restrict-template-expressions": "off",
};

/** infra/ component folders: each may use infra/config/ and infra's shared modules, never another component's files. */
const COMPONENTS = ["database", "network", "secrets", "monitoring", "kubernetes", "local-twin", "defender", "backup"];

const restrict = (message, ...group) => ({ group, message });

/** Import boundaries: infra is the bottom layer; policy judges resources without the plan tooling. */
const BOUNDARIES = [
  {
    files: ["infra/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            restrict(
              "infra/ is the bottom layer: it imports nothing from stacks/, tools/, policy/ or drill/.",
              "**/stacks/**",
              "**/tools/**",
              "**/policy/**",
              "**/drill/**",
            ),
          ],
        },
      ],
    },
  },
  ...COMPONENTS.map((component) => ({
    files: [`infra/${component}/**/*.ts`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            restrict(
              "infra/ is the bottom layer: it imports nothing from stacks/, tools/, policy/ or drill/.",
              "**/stacks/**",
              "**/tools/**",
              "**/policy/**",
              "**/drill/**",
            ),
            restrict(
              `A component takes its own slice: infra/${component}/ may import infra/config/ and infra's shared modules, not another component's files.`,
              ...COMPONENTS.filter((c) => c !== component).map((c) => `../${c}/**`),
            ),
          ],
        },
      ],
    },
  })),
  {
    files: ["policy/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            restrict(
              "policy/ defines what it judges; it imports nothing from tools/, stacks/ or drill/.",
              "**/tools/**",
              "**/stacks/**",
              "**/drill/**",
            ),
          ],
        },
      ],
    },
  },
  {
    // The unit tier runs in-process: pure functions and components under mocks. A test that starts a program (a CLI, a
    // shell, a server) belongs in tests/cli/ or tests/integration/. The two structure tests read the tree with git.
    files: ["tests/unit/**/*.ts"],
    ignores: ["tests/unit/imports.test.ts", "tests/unit/docs/layout.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: ["node:child_process", "child_process"].map((name) => ({
            name,
            message: "The unit tier starts no processes: put this test in tests/cli/ or tests/integration/.",
          })),
        },
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ["node_modules/", "out/", ".drill/", "**/*.cjs", "**/*.mjs", "examples/", "eslint.config.js"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": ["error", { allowForKnownSafeCalls: NODE_TEST_CALLS }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Pulumi programs and mocks have an async contract whether or not a given body awaits.
      "@typescript-eslint/require-await": "off",
    },
  },
  ...BOUNDARIES,
  { files: ["tests/**/*.ts"], rules: UNTYPED_JSON_RULES },
  prettier,
);
