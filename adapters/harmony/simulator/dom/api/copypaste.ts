/** The `copyPaste` global: copies of nodes and templates (.tpl folders). */
import fs from 'node:fs';
import path from 'node:path';
import { native } from '../coerce.ts';
import { DragObject, copyNodes, pasteNewNodes, readTemplate, writeTemplate } from '../templates.ts';
import type { DomContext } from './context.ts';

export function createCopyPasteApi(ctx: DomContext): Record<string, unknown> {
  const { scene, realm, host } = ctx;
  const fn = <A extends unknown[], R>(name: string, sig: string, impl: (...args: A) => R) =>
    native(realm, `copyPaste.${name}`, sig, impl);
  const pasteDefaults = { extendScene: false };
  const flag = (opts: unknown, key: string, fallback: boolean): boolean =>
    opts !== null && typeof opts === 'object' && key in opts ? Boolean((opts as Record<string, unknown>)[key]) : fallback;

  return {
    getCurrentCreateOptions: fn('getCurrentCreateOptions', '', () =>
      ({ addModelsDir: true, addScanFiles: true, includeDefaultCameraName: false })),
    getCurrentPasteOptions: fn('getCurrentPasteOptions', '', () => ({ extendScene: pasteDefaults.extendScene, createNewColumn: false })),
    setExtendScene: fn('setExtendScene', 'bool', (f: boolean): void => { pasteDefaults.extendScene = f; }),
    copy: fn('copy', 'StringList,int,int,any?', (nodes: string[], start: number, count: number) =>
      copyNodes(scene, nodes, [], start, count)),
    copyFromTemplate: fn('copyFromTemplate', 'String,int,int,any?', (tpl: string, start: number, count: number) =>
      readTemplate(tpl, start, count)),
    pasteNewNodes: fn('pasteNewNodes', 'any,String,any?', (drag: unknown, group: string, opts?: unknown) => {
      if (!(drag instanceof DragObject)) return false;
      return pasteNewNodes(scene, drag, group === '' ? 'Top' : group, 1, flag(opts, 'extendScene', pasteDefaults.extendScene));
    }),
    pasteTemplateIntoGroup: fn('pasteTemplateIntoGroup', 'String,String,int', (tpl: string, group: string, frame: number) => {
      const drag = readTemplate(tpl, 0, 0);
      return drag !== null && pasteNewNodes(scene, drag, group === '' ? 'Top' : group, frame, false);
    }),
    createTemplateFromSelection: fn('createTemplateFromSelection', 'String,String', (name: string, folder: string) => {
      if (name === '' || folder === '') return '';
      const drag = copyNodes(scene, scene.selection.nodes, scene.selection.backdrops, 0, 0);
      if (drag === null || (drag.doc.nodes.length === 0 && drag.doc.backdrops.length === 0)) return '';
      try {
        fs.mkdirSync(path.resolve(folder), { recursive: true });
        return writeTemplate(drag, path.resolve(folder), name).split('\\').join('/');
      } catch (err) {
        host.log(`[error] createTemplateFromSelection: ${(err as Error).message}`);
        return '';
      }
    }),
  };
}
