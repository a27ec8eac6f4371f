export * from './ffmpeg.ts';
export * from './movie.ts';
