// The registry of `dms` subcommands. Each feature adds its module here (one import, one entry).
import type { CliCommand } from './command';
import { networksCommand } from './networks';
import { validateCommand } from './validate';
import { fdirCommand } from './fdir';
import { diagramCommand } from './diagram';
import { transformerModeCommand } from './transformer-mode';
import { powerflowCommand } from './powerflow';
import { reconfigureCommand } from './reconfigure';
import { indicesCommand } from './indices';
import { simCommand } from './sim';
import { reliabilityCommand } from './reliability';
import { placeCommand } from './place';
import { tripTimeCommand } from './trip-time';
import { iedMapCommand } from './ied-map';

export const COMMANDS: CliCommand[] = [
  networksCommand,
  validateCommand,
  fdirCommand,
  diagramCommand,
  transformerModeCommand,
  powerflowCommand,
  reconfigureCommand,
  indicesCommand,
  simCommand,
  reliabilityCommand,
  placeCommand,
  tripTimeCommand,
  iedMapCommand,
];
