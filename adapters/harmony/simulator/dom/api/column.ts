/** The `column` global: drawing, function and sound columns of the Xsheet. */
import { native } from '../coerce.ts';
import { randomId } from '../model.ts';
import {
  addColumn, attrsLinkedTo, deleteDrawingAt, getEntry, importSound, isFunctionColumn, removeColumn, renameColumn, setEntry,
} from '../timeline.ts';
import type { DomContext } from './context.ts';

export function createColumnApi(ctx: DomContext): Record<string, unknown> {
  const { scene, realm } = ctx;
  const fn = <A extends unknown[], R>(name: string, sig: string, impl: (...args: A) => R) =>
    native(realm, `column.${name}`, sig, impl);
  const col = (name: string) => scene.state.columns.get(name);
  const names = () => [...scene.state.columns.keys()];

  return {
    add: fn('add', 'String,String,String?', (name: string, type: string) => addColumn(scene, name, type)),
    type: fn('type', 'String', (name: string) => col(name)?.type ?? ''),
    numberOf: fn('numberOf', '', () => scene.state.columns.size),
    getName: fn('getName', 'int', (i: number) => names()[i] ?? ''),
    getDisplayName: fn('getDisplayName', 'String', (name: string) => (col(name) === undefined ? '' : name)),
    getColumnListOfType: fn('getColumnListOfType', 'String', (type: string) =>
      names().filter((n) => col(n)!.type === type.toUpperCase())),
    getDrawingColumnList: fn('getDrawingColumnList', '', () => names().filter((n) => col(n)!.type === 'DRAWING')),
    rename: fn('rename', 'String,String', (oldName: string, newName: string) => renameColumn(scene, oldName, newName)),
    generateAnonymousName: fn('generateAnonymousName', '', () => {
      let name = `ATV-${randomId().toUpperCase()}`;
      while (scene.state.columns.has(name)) name = `ATV-${randomId().toUpperCase()}`;
      return name;
    }),
    removeSoundColumn: fn('removeSoundColumn', 'String', (name: string) => {
      if (col(name)?.type !== 'SOUND') return false;
      removeColumn(scene, name);
      return true;
    }),
    removeUnlinkedFunctionColumn: fn('removeUnlinkedFunctionColumn', 'String', (name: string) => {
      const c = col(name);
      if (c === undefined || !isFunctionColumn(c) || attrsLinkedTo(scene, name).length > 0) return false;
      removeColumn(scene, name);
      return true;
    }),

    setElementIdOfDrawing: fn('setElementIdOfDrawing', 'String,int', (name: string, id: number) => {
      const c = col(name);
      if (c?.type !== 'DRAWING' || !scene.state.elements.has(id)) return false;
      if (c.elementId !== id && Object.keys(c.exposures).length > 0) return false;
      c.elementId = id;
      scene.touch();
      return true;
    }),
    getElementIdOfDrawing: fn('getElementIdOfDrawing', 'String', (name: string) => {
      const c = col(name);
      return c?.type === 'DRAWING' ? c.elementId : -1;
    }),
    setEntry: fn('setEntry', 'String,int,double,String', (name: string, _sub: number, frame: number, value: string) =>
      setEntry(scene, name, frame, value)),
    getEntry: fn('getEntry', 'String,int,double', (name: string, _sub: number, frame: number) => getEntry(scene, name, frame)),
    getDrawingName: fn('getDrawingName', 'String,int', (name: string, frame: number) => {
      const c = col(name);
      return c?.type === 'DRAWING' ? c.exposures[String(frame)] ?? '' : '';
    }),
    getDrawingTimings: fn('getDrawingTimings', 'String', (name: string) => {
      const c = col(name);
      return c?.type === 'DRAWING' ? [...(scene.state.elements.get(c.elementId)?.drawings ?? [])] : [];
    }),
    deleteDrawingAt: fn('deleteDrawingAt', 'String,int', (name: string, frame: number) => deleteDrawingAt(scene, name, frame)),
    isKeyFrame: fn('isKeyFrame', 'String,int,double', (name: string, _sub: number, frame: number) => {
      const c = col(name);
      return c !== undefined && isFunctionColumn(c) && Object.hasOwn(c.keys, String(frame));
    }),
    setKeyFrame: fn('setKeyFrame', 'String,double', (name: string, frame: number) => {
      const c = col(name);
      if (c === undefined || !isFunctionColumn(c)) return false;
      return setEntry(scene, name, frame, getEntry(scene, name, frame));
    }),
    clearKeyFrame: fn('clearKeyFrame', 'String,double', (name: string, frame: number) => {
      const c = col(name);
      if (c === undefined || !isFunctionColumn(c) || !Object.hasOwn(c.keys, String(frame))) return false;
      delete c.keys[String(frame)];
      scene.touch();
      return true;
    }),
    getTextOfExpr: fn('getTextOfExpr', 'String', (name: string) => (col(name)?.type === 'EXPR' ? col(name)!.expr : '')),
    setTextOfExpr: fn('setTextOfExpr', 'String,String', (name: string, text: string) => {
      const c = col(name);
      if (c?.type !== 'EXPR') return false;
      c.expr = text;
      scene.touch();
      return true;
    }),
    importSound: fn('importSound', 'String,int,String', (name: string, frame: number, file: string) =>
      importSound(scene, name, frame, file)),
  };
}
