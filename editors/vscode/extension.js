// The imx extension: starts `imx lsp` (the command in the `imx.server.command` setting) for .imx
// files, and stops it when VS Code closes. Highlighting comes from syntaxes/imx.tmLanguage.json,
// generated from the imx grammar by `python -m imx.lexer`.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace
    .getConfiguration("imx")
    .get("server.command", ["imx", "lsp"]);
  const serverOptions = { command, args, transport: TransportKind.stdio };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "imx" }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.imx") },
  };
  client = new LanguageClient("imx", "imx language server", serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
