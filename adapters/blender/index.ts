/**
 * The Blender adapter: install (a startup script in the user's scripts folder), launch (GUI, or
 * `--background`: a headless Blender serving requests until blender.quit), workfiles, and the pipeline
 * tool endpoints. Blender itself runs startup-scripts/blender (launch.py -> dcckit_blender on the shared
 * dcckit_client). Heavy modules load only when used.
 */
import type { Adapter, Endpoint, LaunchRequest, LaunchSpec, PrepareLaunchRequest } from '../../kit/adapter.ts';
import { installBlender, uninstallBlender } from './install.ts';
import { defaultBlenderExecutables } from './paths.ts';
import { blenderExtensionKinds } from './extensions.ts';

export { BlenderSession } from './session.ts';
export type { BlenderCreator, BlenderInstanceRecord } from './creator-types.ts';
export type { BlenderLoader, BlenderLoadInput } from './loader-types.ts';
export { BLENDER_SCRIPTS_DIR, defaultBlenderExecutables, findUserScriptsDirs } from './paths.ts';

type Module = () => Promise<Record<string, unknown>>;
const lazy = (load: Module, name: string): Endpoint => async (args, ctx) => ((await load())[name] as Endpoint)(args, ctx);

const workfiles: Module = () => import('./workfile-service.ts');
const create: Module = async () => (await import('./create.ts')).createEndpoints;
const publish: Module = async () => (await import('./publish/runs.ts')).publishEndpoints;
const load: Module = async () => (await import('./load.ts')).loadEndpoints;
const scene: Module = async () => (await import('./scene-service.ts')).sceneEndpoints;
const menu: Module = async () => (await import('./menu.ts')).menuEndpoints;

const blender: Adapter = {
  name: 'blender',
  displayName: 'Blender',
  hasBackground: true,
  defaultExecutables: defaultBlenderExecutables,
  install: installBlender,
  uninstall: uninstallBlender,
  endpoints: { 'blender.menu.open': lazy(menu, 'blender.menu.open') },
  toolEndpoints: {
    'workfile.list': lazy(workfiles, 'workfileList'),
    'workfile.save': lazy(workfiles, 'workfileSave'),
    ...Object.fromEntries(['create.creators', 'create.instances', 'create.run', 'create.update', 'create.remove'].map((n) => [n, lazy(create, n)])),
    ...Object.fromEntries(['publish.plugins', 'publish.run', 'publish.report', 'publish.repair'].map((n) => [n, lazy(publish, n)])),
    ...Object.fromEntries(['context.resolve', 'scene.applySettings'].map((n) => [n, lazy(scene, n)])),
    ...Object.fromEntries(['load.loaders', 'load.run', 'inventory.list', 'inventory.update', 'inventory.remove'].map((n) => [n, lazy(load, n)])),
  },
  // Built-in publish plugins, creators and loaders; a studio's from publish.plugins, blender.creators, blender.loaders.
  extensions: blenderExtensionKinds,
  async onHubStart(hub) {
    // Farm renders a previous hub was waiting for are completed by this one (kit/farm/waits.ts).
    const { resumeBlenderFarmWaits } = await import('./publish/farm.ts');
    await resumeBlenderFarmWaits(hub);
  },
  async prepareLaunch(req: PrepareLaunchRequest) {
    const { prepareBlenderLaunch } = await import('./prepare-launch.ts');
    return prepareBlenderLaunch(req);
  },
  async launchSpec(req: LaunchRequest): Promise<LaunchSpec> {
    const { blenderLaunchSpec } = await import('./launch.ts');
    return blenderLaunchSpec(req);
  },
  commands: {
    blender: {
      summary: 'Blender workfiles and pipeline: save, version up, create, publish, load, inventory',
      load: async () => (await import('./cli.ts')).blenderCommand,
    },
  },
};

export default blender;
