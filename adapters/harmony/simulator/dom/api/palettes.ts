/**
 * PaletteObjectManager, PaletteList and Palette. Palette ids are regenerated every time the scene is opened
 * (as in Harmony), so scripts must not store them. A failed lookup returns an invalid Palette
 * (isValid() false, id ""), like Harmony's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { hostObject, native } from '../coerce.ts';
import type { PaletteRef } from '../model.ts';
import { LOCATION, addPaletteRef, paletteLocation, pltFile, readPaletteColors, writeNewPalette } from '../palettes.ts';
import type { DomContext } from './context.ts';

export function createPaletteApi(ctx: DomContext): Record<string, unknown> {
  const { scene, realm } = ctx;
  const fn = <A extends unknown[], R>(name: string, sig: string, impl: (...args: A) => R) =>
    native(realm, `PaletteList.${name}`, sig, impl);
  const list = () => scene.state.palettes;

  const makePalette = (ref: PaletteRef | undefined): Record<string, unknown> => {
    const file = ref?.file ?? '';
    const name = ref === undefined ? '' : path.basename(file, path.extname(file));
    const colors = () => (ref === undefined ? [] : readPaletteColors(file));
    const colorObject = (c: ReturnType<typeof colors>[number] | undefined) => (c === undefined
      ? { isValid: false, id: '', name: '' }
      : { isValid: true, id: c.id, name: c.name, colorType: c.type, colorData: { r: c.r, g: c.g, b: c.b, a: c.a } });
    const palette: Record<string, unknown> = {
      id: ref?.id ?? '',
      getName: fn('getName', '', () => name),
      getPath: fn('getPath', '', () => (ref === undefined ? '' : path.dirname(file).split('\\').join('/'))),
      isValid: fn('isValid', '', () => ref !== undefined && list().includes(ref) && fs.existsSync(file)),
      isLoaded: fn('isLoaded', '', () => ref !== undefined && fs.existsSync(file)),
      getColorByIndex: fn('getColorByIndex', 'int', (i: number) => colorObject(colors()[i])),
      getColorById: fn('getColorById', 'String', (id: string) => colorObject(colors().find((c) => c.id === id))),
      toString: () => `[Palette ${name}]`,
    };
    Object.defineProperty(palette, 'location', { enumerable: true, get: () => (ref === undefined ? -1 : paletteLocation(scene, file)) });
    Object.defineProperty(palette, 'nColors', { enumerable: true, get: () => colors().length });
    return hostObject(palette);
  };
  const slash = (p: string): string => p.split('\\').join('/');
  /** The palette folder of a storage location; "" where the simulator has none (environment, job, external). */
  const folderFor = (location: number, elementId: number): string => {
    if (location === LOCATION.SCENE) return path.join(scene.projectDir, 'palette-library');
    if (location === LOCATION.ELEMENT) {
      const el = scene.state.elements.get(elementId);
      return el === undefined ? '' : path.join(scene.elementDir(el), 'palette-library');
    }
    return '';
  };
  const byId = (id: string) => list().find((p) => p.id === id);
  const move = (id: string, delta: number): boolean => {
    const i = list().findIndex((p) => p.id === id);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= list().length) return false;
    const [ref] = list().splice(i, 1);
    list().splice(j, 0, ref!);
    scene.touch();
    return true;
  };

  const paletteList: Record<string, unknown> = {
    getPaletteByIndex: fn('getPaletteByIndex', 'int', (i: number) => makePalette(list()[i])),
    getPaletteById: fn('getPaletteById', 'String', (id: string) => makePalette(byId(id))),
    getIndex: fn('getIndex', 'String', (id: string) => list().findIndex((p) => p.id === id)),
    /** Adds an existing palette (path without .plt); an invalid Palette when the file does not exist. */
    addPalette: fn('addPalette', 'String,int?', (p: string, index?: number) => {
      const file = pltFile(scene, p);
      if (!fs.existsSync(file)) return makePalette(undefined);
      return makePalette(addPaletteRef(scene, file, index));
    }),
    /** Creates a new palette file (in palette-library/ for a bare name) and adds it. */
    createPalette: fn('createPalette', 'String,int?', (p: string, index?: number) => {
      const file = p.includes('/') || p.includes('\\') ? pltFile(scene, p) : pltFile(scene, path.join('palette-library', p));
      if (fs.existsSync(file)) return makePalette(undefined);
      try {
        writeNewPalette(file);
      } catch {
        return makePalette(undefined);
      }
      return makePalette(addPaletteRef(scene, file, index));
    }),
    removePaletteById: fn('removePaletteById', 'String', (id: string) => {
      const i = list().findIndex((p) => p.id === id);
      if (i < 0) return false;
      list().splice(i, 1);
      scene.touch();
      return true;
    }),
    movePaletteUp: fn('movePaletteUp', 'String', (id: string) => move(id, -1)),
    movePaletteDown: fn('movePaletteDown', 'String', (id: string) => move(id, 1)),
    /** Creates a palette in the folder of a location (SCENE: palette-library/, ELEMENT: the element's palette-library/). */
    createPaletteAtLocation: fn('createPaletteAtLocation', 'int,int,String,int?', (location: number, elementId: number, name: string, index?: number) => {
      const folder = folderFor(location, elementId);
      if (folder === '' || name === '') return makePalette(undefined);
      const file = pltFile(scene, path.join(folder, name));
      if (fs.existsSync(file)) return makePalette(undefined);
      try {
        writeNewPalette(file);
      } catch {
        return makePalette(undefined);
      }
      return makePalette(addPaletteRef(scene, file, index));
    }),
    addPaletteAtLocation: fn('addPaletteAtLocation', 'int,int,String,int?', (location: number, elementId: number, name: string, index?: number) => {
      const folder = folderFor(location, elementId);
      const file = folder === '' ? '' : pltFile(scene, path.join(folder, name));
      return file !== '' && fs.existsSync(file) ? makePalette(addPaletteRef(scene, file, index)) : makePalette(undefined);
    }),
    insertPalette: fn('insertPalette', 'String,int?', (p: string, index?: number) => {
      const file = pltFile(scene, p);
      return fs.existsSync(file) ? makePalette(addPaletteRef(scene, file, index)) : makePalette(undefined);
    }),
    removePaletteByIndex: fn('removePaletteByIndex', 'int', (i: number) => {
      if (i < 0 || i >= list().length) return false;
      list().splice(i, 1);
      scene.touch();
      return true;
    }),
    getPath: fn('getPath', '', () => slash(path.join(scene.projectDir, 'palette-library'))),
    isValid: fn('isValid', '', () => true),
    isLoaded: fn('isLoaded', '', () => true),
    getLock: fn('getLock', '', () => true),
    releaseLock: fn('releaseLock', '', () => true),
    findPaletteOfColor: fn('findPaletteOfColor', 'String', (colorId: string) =>
      makePalette(list().find((p) => readPaletteColors(p.file).some((c) => c.id === colorId)))),
  };
  Object.defineProperty(paletteList, 'numPalettes', { enumerable: true, get: () => list().length });
  const liveList = hostObject(paletteList);

  return {
    getScenePaletteList: native(realm, 'PaletteObjectManager.getScenePaletteList', '', () => liveList),
    Constants: { Location: { ...LOCATION } },
    Locator: hostObject({
      folderForLocation: native(realm, 'PaletteLocator.folderForLocation', 'int,int?', (location: number, elementId?: number) => slash(folderFor(location, elementId ?? -1))),
      palettePathForLocation: native(realm, 'PaletteLocator.palettePathForLocation', 'int,int,String', (location: number, elementId: number, name: string) => {
        const folder = folderFor(location, elementId);
        return folder === '' ? '' : slash(path.join(folder, `${name}.plt`));
      }),
      palettesAtLocation: native(realm, 'PaletteLocator.palettesAtLocation', 'int,int?', (location: number, elementId?: number) => {
        const folder = folderFor(location, elementId ?? -1);
        try { return folder === '' ? [] : fs.readdirSync(folder).filter((f) => f.endsWith('.plt')).map((f) => slash(path.join(folder, f))); } catch { return []; }
      }),
    }),
  };
}
