import type { CliCommand } from './command';
import { exportCommand } from './export';
import { runCommand } from './run';
import { sizesCommand } from './sizes';
import { summaryCommand } from './summary';
import { trainCommand } from './train';
import { validateCommand } from './validate';

/** Every `unet-studio` command, in help order. Adding one = its file + one line here. */
export const COMMANDS: readonly CliCommand[] = [summaryCommand, validateCommand, sizesCommand, exportCommand, runCommand, trainCommand];

export const findCommand = (name: string): CliCommand | undefined => COMMANDS.find((c) => c.name === name);
