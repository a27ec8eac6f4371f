/** Real media for review and ingest tests: frames and sounds made by ffmpeg, movies checked by ffprobe. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** `count` PNG frames (ffmpeg's testsrc) named `<prefix><number>.png` from `first`, padded to `pad` digits. */
export function testFrames(dir: string, opts: { count: number; size?: string; prefix?: string; first?: number; pad?: number; ext?: string }): string[] {
  const tmp = fs.mkdtempSync(path.join(dir, '.gen-'));
  const ext = opts.ext ?? 'png';
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=${opts.size ?? '320x240'}:rate=24`, '-frames:v', String(opts.count), path.join(tmp, `%06d.${ext}`)]);
  const out: string[] = [];
  const first = opts.first ?? 1;
  for (let i = 0; i < opts.count; i++) {
    const n = first + i;
    const file = path.join(dir, `${opts.prefix ?? 'frame.'}${n < 0 ? '-' : ''}${String(Math.abs(n)).padStart(opts.pad ?? 4, '0')}.${ext}`);
    fs.renameSync(path.join(tmp, `${String(i + 1).padStart(6, '0')}.${ext}`), file);
    out.push(file);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  return out;
}

/** A sine tone of `seconds` in the format ffmpeg infers from the name, or `format`. */
export function testSound(file: string, seconds: number, format?: string): string {
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, ...(format ? ['-f', format] : []), '-y', file]);
  return file;
}

export interface ProbedStream { codec_type: string; codec_name: string; width?: number; height?: number; pix_fmt?: string; r_frame_rate?: string; nb_read_frames?: string; duration?: string }

/** ffprobe's streams of a file, frames counted by decoding (`-count_frames`). */
export function probe(file: string): ProbedStream[] {
  const out = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_type,codec_name,width,height,pix_fmt,r_frame_rate,nb_read_frames,duration', '-of', 'json', file], { encoding: 'utf8' });
  return (JSON.parse(out) as { streams: ProbedStream[] }).streams;
}

/** The raw RGB pixels of frame `n` of a movie (to compare frames). */
export function frameBytes(movie: string, n: number): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', movie, '-vf', `select=eq(n\\,${n})`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 64 << 20 });
}
