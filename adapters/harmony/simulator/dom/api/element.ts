/** The `element` and `Drawing` globals: elements (folders of drawings) and drawing files. */
import { native } from '../coerce.ts';
import { addElement, createDrawing, removeElement } from '../timeline.ts';
import type { DomContext } from './context.ts';

const VECTOR_TYPE: Record<string, number> = { None: 0, PNT: 1, TVG: 2 };

export function createElementApi(ctx: DomContext): Record<string, unknown> {
  const { scene, realm } = ctx;
  const fn = <A extends unknown[], R>(name: string, sig: string, impl: (...args: A) => R) =>
    native(realm, `element.${name}`, sig, impl);
  const el = (id: number) => scene.state.elements.get(id);

  return {
    add: fn('add', 'String,String,double,String,String', (name: string, scanType: string, fieldChart: number, format: string, vector: string) =>
      addElement(scene, name, scanType, fieldChart, format, vector)),
    remove: fn('remove', 'int,bool?', (id: number, deleteFiles?: boolean) => removeElement(scene, id, deleteFiles ?? false)),
    numberOf: fn('numberOf', '', () => scene.state.elements.size),
    id: fn('id', 'int', (i: number) => [...scene.state.elements.keys()][i] ?? -1),
    getNameById: fn('getNameById', 'int', (id: number) => el(id)?.name ?? ''),
    folder: fn('folder', 'int', (id: number) => el(id)?.folder ?? ''),
    completeFolder: fn('completeFolder', 'int', (id: number) => {
      const e = el(id);
      return e === undefined ? '' : scene.elementDir(e).split('\\').join('/');
    }),
    physicalName: fn('physicalName', 'int', (id: number) => el(id)?.name ?? ''),
    scanType: fn('scanType', 'int', (id: number) => el(id)?.scanType ?? ''),
    fieldChart: fn('fieldChart', 'int', (id: number) => el(id)?.fieldChart ?? 0),
    pixmapFormat: fn('pixmapFormat', 'int', (id: number) => el(id)?.fileFormat ?? ''),
    vectorType: fn('vectorType', 'int', (id: number) => {
      const e = el(id);
      return e === undefined ? -1 : VECTOR_TYPE[e.vectorFormat] ?? 0;
    }),
  };
}

export function createDrawingApi(ctx: DomContext): Record<string, unknown> {
  const { scene, realm } = ctx;
  const fn = <A extends unknown[], R>(name: string, sig: string, impl: (...args: A) => R) =>
    native(realm, `Drawing.${name}`, sig, impl);

  return {
    create: fn('create', 'int,String,bool?,bool?', (id: number, timing: string, fileExists?: boolean) =>
      createDrawing(scene, id, timing, fileExists ?? false)),
    filename: fn('filename', 'int,String', (id: number, name: string) => {
      const e = scene.state.elements.get(id);
      return e !== undefined && e.drawings.includes(name) ? scene.drawingFile(e, name).split('\\').join('/') : '';
    }),
    isExists: fn('isExists', 'int,String', (id: number, name: string) =>
      scene.state.elements.get(id)?.drawings.includes(name) ?? false),
    numberOf: fn('numberOf', 'int', (id: number) => scene.state.elements.get(id)?.drawings.length ?? 0),
    name: fn('name', 'int,int', (id: number, i: number) => scene.state.elements.get(id)?.drawings[i] ?? ''),
    /** A drawing key ({elementId, exposure[, layer]}): valid when the element has that drawing. */
    Key: fn('Key', 'any', (args: unknown) => {
      const o = (args !== null && typeof args === 'object' ? args : {}) as Record<string, unknown>;
      const elementId = Number(o.elementId ?? o.id);
      const exposure = o.exposure === undefined ? String(o.drawing ?? '') : String(o.exposure);
      const key: Record<string, unknown> = {
        elementId, exposure, isValid: scene.state.elements.get(elementId)?.drawings.includes(exposure) ?? false,
      };
      if (o.layer !== undefined && o.layer !== null && o.layer !== '') key.layer = String(o.layer);
      return key;
    }),
  };
}
