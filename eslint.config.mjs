// ESLint (flat config) for static/js: plain browser scripts, no build step, no imports.
// `make lint` runs it with a pinned ESLint installed outside the repository (see Makefile).
const browser = Object.fromEntries([
  "window", "document", "navigator", "location", "history", "console", "fetch", "Headers",
  "Request", "Response", "URL", "URLSearchParams", "FormData", "Blob", "File", "FileReader",
  "setTimeout", "clearTimeout", "setInterval", "clearInterval", "requestAnimationFrame",
  "cancelAnimationFrame", "localStorage", "sessionStorage", "indexedDB", "IDBKeyRange",
  "crypto", "performance", "atob", "btoa", "alert", "confirm", "Event", "CustomEvent",
  "AbortController", "DOMParser", "Node", "HTMLElement", "getComputedStyle", "matchMedia",
  "addEventListener", "removeEventListener", "structuredClone", "TextEncoder", "TextDecoder",
  "queueMicrotask", "Notification", "caches", "print", "innerWidth", "innerHeight", "devicePixelRatio",
].map((name) => [name, "readonly"]));
const worker = Object.fromEntries(["self", "clients", "registration", "skipWaiting"]
  .map((name) => [name, "readonly"]));

const rules = {
  "no-undef": "error",
  "no-unused-vars": ["error", { args: "none", caughtErrors: "none" }],
  "no-redeclare": "error",
  "no-dupe-keys": "error",
  "no-dupe-args": "error",
  "no-duplicate-case": "error",
  "no-unreachable": "error",
  "no-self-assign": "error",
  "no-self-compare": "error",
  "no-empty": ["error", { allowEmptyCatch: true }],
  "no-func-assign": "error",
  "no-cond-assign": ["error", "except-parens"],
  "use-isnan": "error",
  "valid-typeof": "error",
  "eqeqeq": ["error", "smart"],
  "quotes": ["error", "double", { avoidEscape: true }],
};

export default [
  {
    files: ["static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: { ...browser, L: "readonly", FieldMaps: "writable" },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules,
  },
  {
    // static/js/phone/i18n.js: the phone's translation functions, used by every phone script.
    files: ["static/js/phone/**/*.js"],
    languageOptions: { globals: { ...browser, L: "readonly", Intl: "readonly", t: "readonly", tn: "readonly" } },
  },
  {
    files: ["static/js/phone/sw.js"],
    languageOptions: { globals: { ...browser, ...worker } },
  },
  {
    // The unit tests of the scripts above (tests/js): CommonJS for Node's own test runner.
    files: ["tests/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "commonjs",
      globals: Object.fromEntries(["require", "module", "__dirname", "Buffer", "Blob", "atob",
        "btoa", "console"].map((name) => [name, "readonly"])),
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules,
  },
];
