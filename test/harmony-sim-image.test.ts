import test from 'ava';
import { encodePng, frameImage, frameRows, type Channels } from '../adapters/harmony/simulator/dom/image.ts';
import { decodePng } from '../kit/media/png-decode.ts';

/** The RGB of a raw image as decodePng gives it (grey repeated, alpha dropped). */
function rgbOf(width: number, height: number, channels: Channels, pixels: Uint8Array): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let i = 0, o = 0; i < pixels.length; i += channels, o += 3) {
    out[o] = pixels[i]!;
    out[o + 1] = pixels[channels === 1 ? i : i + 1]!;
    out[o + 2] = pixels[channels === 1 ? i : i + 2]!;
  }
  return out;
}

test('simulated frames encode to PNGs that decode to their pixels, frame after frame (the encoder reuses its scanline buffer)', (t) => {
  // Sizes change between frames and bands move, so rows that held pixels in one frame are zero rows in the next.
  const cases: [number, number, Channels, number, number][] = [
    [64, 36, 4, 1, 0], [64, 36, 4, 2, 1], [64, 36, 4, 3, 0.5], [64, 36, 3, 4, 0.2], [30, 17, 1, 5, 0.9], [64, 36, 4, 6, 0.7],
  ];
  for (const [w, h, c, frame, progress] of cases) {
    const expected = frameImage(w, h, c, frame, progress);
    const decoded = decodePng(encodePng(frameRows(w, h, c, frame, progress)));
    t.truthy(decoded);
    t.deepEqual({ width: decoded!.width, height: decoded!.height }, { width: w, height: h });
    t.deepEqual(Buffer.from(decoded!.rgb), Buffer.from(rgbOf(w, h, c, expected.pixels)), `frame ${frame} ${w}x${h}x${c}`);
    // A raw image with every row different encodes and decodes too.
    const noise = { width: w, height: h, channels: c, pixels: Uint8Array.from({ length: w * h * c }, (_, i) => (i * 7919 + frame) & 0xff) };
    t.deepEqual(Buffer.from(decodePng(encodePng(noise))!.rgb), Buffer.from(rgbOf(w, h, c, noise.pixels)));
  }
});
