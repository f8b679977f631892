#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { errorMessage, UsageError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { admissionCommand } from './admission.js';
import { aksCommand } from './aks.js';
import { auditCommand } from './audit.js';
import { dbCommand } from './db.js';
import { manifestsCommand } from './manifests.js';
import { tolerateClosedStdout } from './output.js';
import { netpolCommand } from './netpol.js';
import { pathsCommand } from './paths.js';
import { pssCommand } from './pss.js';
import { rbacCommand } from './rbac.js';
import { imageCommand } from './image.js';
import { explainCommand, rulesCommand } from './rules.js';
import { scanCommand } from './scan.js';
import { serveCommand } from './serve.js';
import { webhookCommand } from './webhook.js';

const program = new Command('palisade')
  .description('Security for containerized applications on Azure Kubernetes Service')
  .version(VERSION)
  // Program options only before the command name, so `pss --version v1.30` is the policy version.
  .enablePositionalOptions()
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

/**
 * Every command and subcommand throws its parse errors instead of exiting (Commander would exit 1,
 * the code for findings), so that each one becomes exit 2 below.
 */
function throwParseErrors(cmd: Command): Command {
  cmd.exitOverride();
  for (const sub of cmd.commands) throwParseErrors(sub);
  return cmd;
}

for (const cmd of [scanCommand(), pssCommand(), rulesCommand(), explainCommand(), aksCommand(), rbacCommand(), netpolCommand(), pathsCommand(), manifestsCommand(), admissionCommand(), webhookCommand(), auditCommand(), imageCommand(), dbCommand(), serveCommand()]) program.addCommand(throwParseErrors(cmd));

tolerateClosedStdout();
try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // --help and --version exit 0; every other parse problem is a usage error.
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else if (e instanceof UsageError) {
    process.stderr.write(`palisade: ${e.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`palisade: internal error: ${errorMessage(e)}\n`);
    process.exitCode = 2;
  }
}
