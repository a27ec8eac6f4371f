/**
 * The `func` global for function columns (BEZIER, EASE): their points are the column's keyframes. The
 * simulator interpolates linearly between points, so a point's handles sit on the point, its ease is 0 and
 * setBezierPoint / setEasePoint keep the value only (modelling.ts marks them partial). 3D path members are
 * not modelled.
 */
import { native } from '../coerce.ts';
import type { ColumnState } from '../model.ts';
import { setEntry } from '../timeline.ts';
import type { DomContext } from './context.ts';

export function createFuncApi(ctx: DomContext): Record<string, unknown> {
  const { scene, realm } = ctx;
  const fn = <A extends unknown[], R>(name: string, sig: string, impl: (...args: A) => R) => native(realm, `func.${name}`, sig, impl);
  const curve = (c: string): ColumnState | undefined => {
    const col = scene.state.columns.get(c);
    return col !== undefined && (col.type === 'BEZIER' || col.type === 'EASE') ? col : undefined;
  };
  const points = (c: string): Array<[number, number]> => {
    const col = curve(c);
    return col === undefined ? [] : Object.entries(col.keys).map(([f, v]) => [Number(f), v] as [number, number]).sort((a, b) => a[0] - b[0]);
  };
  const holds = new Map<string, { start: number; stop: number; step: number }>();
  const hold = (c: string) => holds.get(c) ?? { start: 1, stop: scene.state.settings.frames, step: 1 };
  const setPoint = (c: string, frame: number, value: number): boolean => curve(c) !== undefined && setEntry(scene, c, frame, String(value));
  const coord = (i: 0 | 1) => (c: string, p: number) => points(c)[p]?.[i] ?? 0;
  return {
    numberOfPoints: fn('numberOfPoints', 'String', (c: string) => points(c).length),
    pointX: fn('pointX', 'String,int', coord(0)),
    pointY: fn('pointY', 'String,int', coord(1)),
    pointHandleLeftX: fn('pointHandleLeftX', 'String,int', coord(0)),
    pointHandleLeftY: fn('pointHandleLeftY', 'String,int', coord(1)),
    pointHandleRightX: fn('pointHandleRightX', 'String,int', coord(0)),
    pointHandleRightY: fn('pointHandleRightY', 'String,int', coord(1)),
    pointConstSeg: fn('pointConstSeg', 'String,int', () => false),
    pointContinuity: fn('pointContinuity', 'String,int', (c: string, p: number) => (points(c)[p] === undefined ? '' : 'STRAIGHT')),
    pointLockedAtFrame: fn('pointLockedAtFrame', 'String,int', () => false),
    pointEaseIn: fn('pointEaseIn', 'String,int', () => 0),
    pointEaseOut: fn('pointEaseOut', 'String,int', () => 0),
    angleEaseIn: fn('angleEaseIn', 'String,int', () => 0),
    angleEaseOut: fn('angleEaseOut', 'String,int', () => 0),
    setBezierPoint: fn('setBezierPoint', 'String,double,double,double,double,double,double,bool,String', (c: string, frame: number, value: number) => setPoint(c, frame, value)),
    setEasePoint: fn('setEasePoint', 'String,double,double,double,double,bool,bool,bool,any', (c: string, frame: number, value: number) => setPoint(c, frame, value)),
    holdStartFrame: fn('holdStartFrame', 'String', (c: string) => hold(c).start),
    holdStopFrame: fn('holdStopFrame', 'String', (c: string) => hold(c).stop),
    holdStep: fn('holdStep', 'String', (c: string) => hold(c).step),
    setHoldStartFrame: fn('setHoldStartFrame', 'String,int', (c: string, f: number) => { if (!curve(c)) return false; holds.set(c, { ...hold(c), start: f }); return true; }),
    setHoldStopFrame: fn('setHoldStopFrame', 'String,int', (c: string, f: number) => { if (!curve(c)) return false; holds.set(c, { ...hold(c), stop: f }); return true; }),
    setHoldStep: fn('setHoldStep', 'String,int', (c: string, n: number) => { if (!curve(c)) return false; holds.set(c, { ...hold(c), step: n }); return true; }),
  };
}
