/** Wires the farm command to the configuration. */
import { createFarmCommand } from './farm-command.ts';
import { loadConfig } from '../config.ts';

export const farmCommand = createFarmCommand(async (ctx) => {
  const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
  const a = config.farm.afanasy;
  return { host: a.host, port: a.port, user: a.user, hostName: a.hostName, timeoutMs: a.timeout, maxTasks: config.farm.maxTasks, maxFrames: config.context.maxFrames };
});
