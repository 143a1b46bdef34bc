#!/usr/bin/env node
/** The `albkit` command: one commander program; each verb lives in bin/commands/<verb>.ts. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { register as registerAgent } from './commands/agent';
import { register as registerDeploy } from './commands/deploy';
import { register as registerDestroy } from './commands/destroy';
import { register as registerGraph } from './commands/graph';
import { register as registerPlan } from './commands/plan';
import { register as registerSchema } from './commands/schema';
import { register as registerSynth } from './commands/synth';
import { register as registerUp } from './commands/up';
import { register as registerValidate } from './commands/validate';
import { EXIT, UsageError } from './exit';

const program = new Command('albkit')
  .description('Describe an Application Load Balancer in code; validate, plan and deploy it to an albkit agent.')
  .version((JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version)
  .exitOverride()
  .showHelpAfterError();

registerSynth(program);
registerValidate(program);
registerGraph(program);
registerPlan(program);
registerSchema(program);
registerAgent(program);
registerDeploy(program);
registerDestroy(program);
registerUp(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return;
  }
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = error instanceof UsageError ? EXIT.usage : EXIT.invalid;
});
