// Tokenize .imx texts with the extension's TextMate grammar, as VS Code does (vscode-textmate on
// the Oniguruma regex engine). Input: a JSON file holding a list of texts, or .imx files. Output
// (stdout): for each text, a list of [line, start, end, scopes] tokens, as JSON.
"use strict";

const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const GRAMMAR = path.join(__dirname, "..", "syntaxes", "imx.tmLanguage.json");
const WASM = require.resolve("vscode-oniguruma/release/onig.wasm");

async function grammar() {
  await oniguruma.loadWASM(fs.readFileSync(WASM).buffer);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () => vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, "utf8"), GRAMMAR),
  });
  return registry.loadGrammar("source.imx");
}

function tokenize(g, text) {
  const out = [];
  let stack = vsctm.INITIAL;
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    const r = g.tokenizeLine(line, stack);
    for (const t of r.tokens) out.push([i, t.startIndex, Math.min(t.endIndex, line.length), t.scopes]);
    stack = r.ruleStack;
  });
  return out;
}

async function main() {
  const args = process.argv.slice(2);
  if (args.length === 0) throw new Error("usage: tokenize.js TEXTS.json | FILE.imx...");
  const texts = args[0].endsWith(".json")
    ? JSON.parse(fs.readFileSync(args[0], "utf8"))
    : args.map((f) => fs.readFileSync(f, "utf8"));
  const g = await grammar();
  const result = texts.map((t) => tokenize(g, t));
  const unscoped = result.flat().filter((t) => t[3].length === 0);
  if (unscoped.length) throw new Error(`tokens without the source.imx scope: ${unscoped.length}`);
  process.stdout.write(JSON.stringify(result));
}

main().catch((e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exit(1);
});
