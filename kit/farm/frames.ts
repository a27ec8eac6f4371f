/**
 * Afanasy's frame arithmetic for numeric blocks (BlockData::setNumeric / genNumbers / genTaskName),
 * so dcc-kit can count tasks and name them the way the server does.
 */

export interface FrameRange {
  first: number;
  last: number;
  /** Frames per task, >= 1. */
  perTask: number;
  /** Frame step, >= 1. */
  increment: number;
}

/** Number of tasks the server creates for a frame range: ceil(((last - first) / inc + 1) / perTask). */
export function taskCount(range: FrameRange): number {
  const frames = Math.floor((range.last - range.first) / range.increment) + 1;
  return Math.ceil(frames / range.perTask);
}

/** First and last frame of task `index` (0-based). */
export function taskFrames(range: FrameRange, index: number): { start: number; end: number } {
  const start = range.first + index * range.perTask * range.increment;
  let offset = range.perTask * range.increment - 1;
  if (start + offset > range.last) offset = range.last - start;
  if (range.increment > 1) offset -= offset % range.increment;
  return { start, end: start + offset };
}

/** The server's default task name: "frame 1-2", "frame 5", "frame 1-9 / 2". */
export function taskName(range: FrameRange, index: number): string {
  const { start, end } = taskFrames(range, index);
  if (start === end) return `frame ${start}`;
  return `frame ${start}-${end}` + (range.increment > 1 ? ` / ${range.increment}` : '');
}
