import { backtestCommand } from './backtest.js';
import { calibrateCommand } from './calibrate.js';
import { configCheckCommand, configPrintCommand, configSchemaCommand } from './config.js';
import { explainCommand } from './explain.js';
import { initCommand } from './init.js';
import { insightsCommand } from './insights.js';
import {
  ledgerExportCommand,
  ledgerListCommand,
  ledgerPullCommand,
  ledgerPushCommand,
  ledgerVerifyCommand,
  ledgerVoidCommand,
} from './ledger.js';
import { ledgerImportCommand } from './ledger-import.js';
import { lineageCommand } from './lineage.js';
import { mcpCommand } from './mcp.js';
import { planCommand } from './plan.js';
import { recordCommand } from './record.js';
import type { AnyCommand } from './spec.js';
import { verifyCommand } from './verify.js';

/**
 * Every command, in the order --help lists them. Each file holds a command's option table and a run
 * that loads its use case and renderers only when that command runs, so startup stays light. A new
 * command is one file plus one line here.
 */
export const COMMANDS: readonly AnyCommand[] = [
  planCommand,
  recordCommand,
  verifyCommand,
  ledgerListCommand,
  ledgerExportCommand,
  ledgerVerifyCommand,
  ledgerPushCommand,
  ledgerPullCommand,
  ledgerVoidCommand,
  ledgerImportCommand,
  insightsCommand,
  backtestCommand,
  calibrateCommand,
  explainCommand,
  lineageCommand,
  initCommand,
  configCheckCommand,
  configPrintCommand,
  configSchemaCommand,
  mcpCommand,
];

/** The commands that only group others (`ledger list`, `config check`), with their help. */
export const GROUPS: Readonly<Record<string, string>> = {
  ledger: 'the deploy ledger kept in git: list, verify, push, pull, export, import, void',
  config: 'validate, print or describe the policy',
};
