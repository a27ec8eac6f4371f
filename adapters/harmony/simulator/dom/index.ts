/**
 * The Harmony scripting DOM of the simulator and the scene model behind it.
 *
 *   const scene = SimScene.open('/path/to/project');           // or SimScene.createDefault(dir)
 *   const ctx = vm.createContext({});
 *   Object.assign(ctx, createHarmonyGlobals(scene, host, { context: ctx }));
 *
 * Every DOM call is synchronous and follows Harmony: String parameters are coerced with String(x),
 * StringList parameters element-wise, failures return Harmony's failure values ("" / false / -1 / null)
 * instead of throwing, and no method reads `this`, so `var f = node.subNodes; f("Top")` works.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { Realm } from './coerce.ts';
import { createBackdropApi } from './api/backdrop.ts';
import { ColorRGBA } from './api/color.ts';
import { createColumnApi } from './api/column.ts';
import type { DomContext, SimHost } from './api/context.ts';
import { createCopyPasteApi } from './api/copypaste.ts';
import { createDrawingApi, createElementApi } from './api/element.ts';
import {
  createAboutApi, createExporterApi, createFileMapperApi, createMessageApis, createPermanentFileClass, createPreferencesApi, createSoundApi,
  createSpecialFolders, createViewApi,
} from './api/misc.ts';
import { createNodeApi } from './api/node.ts';
import { createPaletteApi } from './api/palettes.ts';
import { createFrameApi, createSceneApi } from './api/scene.ts';
import { createSelectionApi } from './api/selection.ts';
import { globalExtensions } from './api/documented-rest.ts';
import { createCompositionOrderApi } from './api/composition.ts';
import { createFuncApi } from './api/func.ts';
import { completeDocumented, documentedObjects } from './modelling.ts';
import type { SimScene } from './scene.ts';

export type { SimHost } from './api/context.ts';
export { SimScene } from './scene.ts';
export { batchRender } from './render.ts';
export { BatchRenderError, SceneExistsError, SceneFormatError, SceneNotFoundError, SceneWriteError } from './errors.ts';
export type { SceneDoc } from './model.ts';

export interface HarmonyGlobalsOptions {
  /**
   * The node:vm context the globals are installed in. When given, arrays and plain objects returned by DOM
   * calls are created in that realm (so `x instanceof Array` holds inside scripts).
   */
  context?: vm.Context;
}

function defaultTempDir(): string {
  return path.join(os.tmpdir(), `dcc-kit-harmony-sim-${process.pid}`);
}

/** The Harmony globals for one script engine (a fresh vm context per scene). `include` is not part of it. */
export function createHarmonyGlobals(scene: SimScene, host: SimHost, opts: HarmonyGlobalsOptions = {}): Record<string, unknown> {
  const realm = new Realm(
    opts.context === undefined
      ? undefined
      : vm.runInContext('({ Array: Array, Object: Object })', opts.context) as { Array: ArrayConstructor; Object: ObjectConstructor },
  );
  const ctx: DomContext = {
    scene,
    host,
    realm,
    tempDir: () => {
      const dir = host.tempDir ?? defaultTempDir();
      fs.mkdirSync(dir, { recursive: true });
      return dir;
    },
  };
  let messages: ReturnType<typeof createMessageApis> | undefined;
  const message = (name: 'MessageLog' | 'MessageBox' | 'System') => () => (messages ??= createMessageApis(ctx))[name]!;
  const builders: Record<string, () => Record<string, unknown>> = {
    node: () => createNodeApi(ctx),
    column: () => createColumnApi(ctx),
    element: () => createElementApi(ctx),
    Drawing: () => createDrawingApi(ctx),
    scene: () => createSceneApi(ctx),
    frame: () => createFrameApi(ctx),
    selection: () => createSelectionApi(ctx),
    Backdrop: () => createBackdropApi(ctx),
    copyPaste: () => createCopyPasteApi(ctx),
    PaletteObjectManager: () => createPaletteApi(ctx),
    sound: () => createSoundApi(ctx),
    about: () => createAboutApi(ctx),
    view: () => createViewApi(ctx),
    exporter: () => createExporterApi(ctx),
    MessageLog: message('MessageLog'),
    MessageBox: message('MessageBox'),
    System: message('System'),
    PermanentFile: () => createPermanentFileClass() as unknown as Record<string, unknown>,
    ColorRGBA: () => ColorRGBA as unknown as Record<string, unknown>,
    specialFolders: () => createSpecialFolders(ctx) as Record<string, unknown>,
    preferences: () => createPreferencesApi(ctx),
    fileMapper: () => createFileMapperApi(ctx),
    func: () => createFuncApi(ctx),
    compositionOrder: () => createCompositionOrderApi(ctx),
  };
  // Documented objects the simulator does not define are empty objects whose members throw NotSimulated.
  for (const name of documentedObjects()) builders[name] ??= () => ({});
  // Each object is built, extended and completed the first time a script (or Object.assign) reads it, then
  // stays a plain data property: an engine pays only for what its scripts use, and calls cost the same.
  const globals: Record<string, Record<string, unknown>> = {};
  const extenders = globalExtensions(ctx, globals, host);
  for (const [name, build] of Object.entries(builders)) {
    let built: Record<string, unknown> | undefined;
    Object.defineProperty(globals, name, {
      configurable: true, enumerable: true,
      get(this: object) {
        if (built === undefined) {
          built = build();
          for (const extend of extenders.get(name) ?? []) extend(built);
          completeDocumented(name, built, host);
        }
        Object.defineProperty(this, name, { value: built, writable: true, configurable: true, enumerable: true });
        return built;
      },
      // A script may replace a global (`var func = ...`), as Harmony's globals are plain writable properties.
      set(this: object, value: unknown) {
        Object.defineProperty(this, name, { value, writable: true, configurable: true, enumerable: true });
      },
    });
  }
  return globals;
}

