/**
 * How far the simulator models each documented member of Harmony's scripting objects, and what a script
 * meets when it calls one the simulator does not model:
 *  - full: behaves as documented (the default for a member the simulator defines);
 *  - partial: defined, with documented behaviour left out (PARTIAL says what);
 *  - stub: defined, records the call and returns Harmony's neutral value (made with recordedStub);
 *  - not simulated: documented but not defined: calling it throws NotSimulated (completeDocumented).
 * A name that is not documented at all stays undefined, so calling it is the usual TypeError.
 * Nothing here wraps the defined members: their calls cost what they did.
 */
import { DOCUMENTED_API, documentedMembers } from '../documented-api.ts';
import { native, type Realm } from './coerce.ts';

export type ModelStatus = 'full' | 'partial' | 'stub' | 'not simulated';

/** Thrown by a documented member the simulator does not model; prints as "NotSimulated: ...". */
export class NotSimulatedError extends Error {
  readonly member: string;
  constructor(member: string) {
    super(`${member} is documented in Harmony 24 but not modelled by dcc-kit's simulator`);
    this.name = 'NotSimulated';
    this.member = member;
  }
}

/** Where calls to stubs and unmodelled members are reported (the simulator lists them at exit). */
export interface CallRecorder {
  record?(kind: 'not simulated' | 'stub', member: string): void;
}

/** What a member is, as a property on its function (not a WeakSet: engines, and their functions, come and go). */
const MODEL = Symbol('harmony simulator model status');
type Marked = Record<symbol, ModelStatus | undefined>;

export function isRecordedStub(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as unknown as Marked)[MODEL] === 'stub';
}

export function isNotSimulated(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as unknown as Marked)[MODEL] === 'not simulated';
}

/** A member that records its call and returns `result()` (Harmony's neutral value) without modelling more. */
export function recordedStub(realm: Realm, recorder: CallRecorder | undefined, member: string, signature: string, result: () => unknown = () => undefined): (...args: unknown[]) => unknown {
  const fn = native(realm, member, signature, () => {
    recorder?.record?.('stub', member);
    return result();
  });
  (fn as unknown as Marked)[MODEL] = 'stub';
  return fn;
}

/** Members that are defined but leave documented behaviour out, and what. */
export const PARTIAL: Readonly<Record<string, string>> = {
  'node.getMatrix': 'identity matrix: no transformation stack is evaluated',
  'node.getPivot': 'the origin: drawing pivots are not modelled',
  'node.width': 'a fixed node size in the Node View (Harmony sizes nodes by their name)',
  'node.height': 'a fixed node size in the Node View',
  'node.getCameras': 'CAMERA nodes only (the simulator adds none by itself)',
  'scene.closeScene': 'forgets nothing: the simulator keeps the scene open until the process ends',
  'scene.closeSceneAndOpen': 'opens the new scene in the same process only through the simulator (returns false from a script)',
  'scene.toOGL': 'a linear field-to-OpenGL mapping from the scene units, without camera',
  'scene.fromOGL': 'a linear OpenGL-to-field mapping from the scene units, without camera',
  'column.getDrawingType': 'K (key) for every exposed drawing: drawing types are not stored',
  'element.modify': 'changes the element record; existing drawing files are not converted',
  'exporter.exportToQuicktime': 'writes a placeholder .mov (QuickTime header and a description), no frames',
  'render.renderScene': 'emits frameReady(frame, null) for each frame, then renderFinished; no image is made (the -batch render writes files)',
  'render.renderSceneAll': 'as renderScene, over the scene\'s start..stop range',
  'exporter.exportMovie': 'writes a placeholder .mov as exportToQuicktime does',
  'exporter.exportToProRes': 'writes a placeholder .mov as exportToQuicktime does',
  'Drawing.setMetaData': 'kept for the session in memory, not written into the drawing file',
  'Drawing.getMetaData': 'what setMetaData kept in this session',
  'Timeline.layerToNode': 'layers as compositionOrder lists them for the first DISPLAY node',
  'Timeline.createFrameMarker': 'kept for the session, not saved with the scene',
  'copyPaste.pasteNewNodes': 'pastes nodes, links, columns, elements and backdrops; paste-special options other than extendScene are ignored',
  'copyPaste.paste': 'pastes into the selection\'s group as pasteNewNodes',
  'Drawing.getPivot': 'the origin: drawing pivots are not modelled',
  'view.viewList': 'one Node View (View0) on group Top',
  'Timeline.numLayers': 'layers as compositionOrder lists them for the first DISPLAY node',
  'MessageBox.information': 'batch form: logged, answered with the default button (0) at once',
  'MessageBox.warning': 'batch form: logged, answered with the default button (0) at once',
  'MessageBox.critical': 'batch form: logged, answered with the default button (0) at once',
  'Action.perform': 'performs the responder-less scene actions the simulator knows (see Action.getActionList); others are recorded and return',
  'func.setBezierPoint': 'keeps the point\'s frame and value; interpolation is linear, handles and continuity are not kept',
  'func.setEasePoint': 'keeps the point\'s frame and value; interpolation is linear, ease is not kept',
  'func.pointHandleLeftX': 'the point itself (linear interpolation has no handles)',
  'func.pointHandleLeftY': 'the point itself (linear interpolation has no handles)',
  'func.pointHandleRightX': 'the point itself (linear interpolation has no handles)',
  'func.pointHandleRightY': 'the point itself (linear interpolation has no handles)',
  'func.pointContinuity': 'always STRAIGHT (linear interpolation)',
  'func.pointEaseIn': 'always 0 (linear interpolation)',
  'func.pointEaseOut': 'always 0 (linear interpolation)',
  'func.angleEaseIn': 'always 0 (linear interpolation)',
  'func.angleEaseOut': 'always 0 (linear interpolation)',
  'func.holdStartFrame': 'kept per column; the simulator\'s interpolation does not apply holds',
  'func.setHoldStartFrame': 'kept per column; the simulator\'s interpolation does not apply holds',
  'func.holdStopFrame': 'kept per column; the simulator\'s interpolation does not apply holds',
  'func.setHoldStopFrame': 'kept per column; the simulator\'s interpolation does not apply holds',
  'func.holdStep': 'kept per column; the simulator\'s interpolation does not apply holds',
  'func.setHoldStep': 'kept per column; the simulator\'s interpolation does not apply holds',
  'compositionOrder.buildCompositionOrderForDisplay': 'layers in composite port order, parents (the node feeding port 0) before children; no manual timeline reordering',
  'compositionOrder.buildDefaultCompositionOrder': 'as buildCompositionOrderForDisplay for the first DISPLAY node',
  'node.setLocked': 'kept for the session, not saved with the scene',
  'node.getLocked': 'kept for the session, not saved with the scene',
  'node.setTimelineTag': 'kept for the session, not saved with the scene',
  'node.getTimelineTag': 'kept for the session, not saved with the scene',
  'node.getTimelineTagList': 'kept for the session, not saved with the scene',
  'node.setVersion': 'kept for the session, not saved with the scene',
  'node.getVersion': 'kept for the session, not saved with the scene',
  'node.getMaxVersionNumber': 'kept for the session, not saved with the scene',
  'node.setShowTimelineThumbnails': 'kept for the session, not saved with the scene',
  'node.getShowTimelineThumbnails': 'kept for the session, not saved with the scene',
  'node.showControls': 'kept for the session, not saved with the scene',
  'node.isControlShown': 'kept for the session, not saved with the scene',
  'node.setCached': 'kept for the session, not saved with the scene',
  'node.getCached': 'kept for the session, not saved with the scene',
  'node.getAllCachedNodes': 'kept for the session, not saved with the scene',
  'column.setColorForXSheet': 'kept for the session, not saved with the scene',
  'column.getColorForXSheet': 'kept for the session, not saved with the scene',
  'column.resetColorForXSheet': 'kept for the session, not saved with the scene',
  'scene.setDescription': 'kept for the session, not saved with the scene',
  'scene.description': 'kept for the session, not saved with the scene',
  'scene.setColorSpace': 'kept for the session, not saved with the scene',
  'scene.colorSpace': 'kept for the session, not saved with the scene',
  'scene.setProcessingBitDepth': 'kept for the session, not saved with the scene',
  'scene.getProcessingBitDepth': 'kept for the session, not saved with the scene',
  'scene.setCoordAtCenter': 'kept for the session, not saved with the scene',
  'scene.coordAtCenterX': 'kept for the session, not saved with the scene',
  'scene.coordAtCenterY': 'kept for the session, not saved with the scene',
  'scene.setDefaultResolutionName': 'kept for the session, not saved with the scene',
  'scene.defaultResolutionName': 'kept for the session, not saved with the scene',
  'DrawingTools.getDrawingUsedColors': 'no colours: drawing content is not modelled',
  'DrawingTools.getDrawingUsedColorsWithSource': 'no colours: drawing content is not modelled',
  'DrawingTools.getMultipleDrawingsUsedColors': 'no colours: drawing content is not modelled',
  'column.getCurrentVersionForDrawing': 'always version 0: drawing versions are not modelled',
  'column.selected': 'nothing is ever selected in the Xsheet',
  'column.velocityType': 'always LINEAR',
  'scene.getMissingPalettes': 'no palette is reported missing',
  'scene.checkFiles': 'reports the scene files as fine without checking them',
  'Drawing.getModificationCounter': 'always 0',
  'view.column': 'no Xsheet view: no column',
  'view.viewPosition': 'a fixed rectangle for View0',
  'selection.selectedWaypoint': 'no waypoints: waypoints are not modelled',
  'selection.selectedWaypoints': 'no waypoints: waypoints are not modelled',
  'node.getCacheFillLevel': 'always 0: no render cache',
  'Action.getActionList': 'the few actions Action.perform carries out',
  'Action.validate': 'valid for the actions Action.perform carries out',
  'preferences.getColor': 'returns the session value or the default passed: Harmony\'s colour preferences are not listed',
};

const MEMBERS = new Map(Object.keys(DOCUMENTED_API).map((o) => [o, documentedMembers(o)]));

/**
 * The throwing functions of the documented members the simulator does not model, made once per recorder
 * (one per simulator) and shared by its engines: they hold no engine state.
 */
const throwers = new WeakMap<object, Map<string, () => never>>();
const NO_RECORDER = {};
function thrower(recorder: CallRecorder | undefined, member: string, name: string): () => never {
  const key = recorder?.record ?? NO_RECORDER;
  let byMember = throwers.get(key);
  if (byMember === undefined) throwers.set(key, (byMember = new Map()));
  let fn = byMember.get(member);
  if (fn === undefined) {
    const record = recorder?.record;
    fn = function (): never {
      record?.('not simulated', member);
      throw new NotSimulatedError(member);
    };
    Object.defineProperty(fn, 'name', { value: name });
    (fn as unknown as Marked)[MODEL] = 'not simulated';
    byMember.set(member, fn);
  }
  return fn;
}

/** The documented global objects (top-level names: "Drawing" for Drawing.query). */
export function documentedObjects(): string[] {
  return [...new Set([...MEMBERS.keys()].map((k) => k.split('.')[0]!))];
}

/**
 * Gives the global object `name` (and its documented sub-modules, Drawing.query...) every documented member
 * it lacks, as a function that throws NotSimulated.
 */
export function completeDocumented(name: string, object: Record<string, unknown>, recorder: CallRecorder | undefined): void {
  for (const [objectName, members] of MEMBERS) {
    if (objectName !== name && !objectName.startsWith(`${name}.`)) continue;
    let target: Record<string, unknown> = object;
    for (const part of objectName.split('.').slice(1)) {
      let next = target[part];
      if (next === undefined || next === null) {
        next = {};
        target[part] = next;
      }
      target = next as Record<string, unknown>;
    }
    for (const m of members) {
      if (m.name in target) continue;
      const fn = thrower(recorder, `${objectName}.${m.name}`, m.name);
      Object.defineProperty(target, m.name, m.kind === 'method'
        ? { value: fn, writable: true, configurable: true, enumerable: false }
        : { get: fn, configurable: true, enumerable: false });
    }
  }
}
