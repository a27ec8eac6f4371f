import test from 'ava';
import { FrameDecoder, FrameError, encodeFrame, encodeJsonFrame } from '../kit/protocol/frame.ts';

test('binary and text length forms decode to the same message', (t) => {
  const msg = { message_id: 1, function: 'node.subNodes', args: 'Top' };
  const bin = encodeFrame(msg);
  const text = encodeFrame(msg, { form: 'text' });
  t.is(bin.subarray(0, 2).toString(), 'AH');
  t.is(bin.length, 6 + Buffer.byteLength(JSON.stringify(msg)));
  t.regex(text.subarray(0, 10).toString('latin1'), /^AH[0-9a-f]{8}$/);
  t.deepEqual(new FrameDecoder().push(bin), [msg]);
  t.deepEqual(new FrameDecoder().push(text), [msg]);
});

test('the length counts UTF-8 bytes, not characters', (t) => {
  const msg = { s: 'scène été ✓ 𝄞' };
  const frame = encodeFrame(msg);
  t.is(frame.readUInt32BE(2), Buffer.byteLength(JSON.stringify(msg)));
  t.deepEqual(new FrameDecoder().push(frame), [msg]);
});

test('ASCII-only encoding escapes every non-ASCII character', (t) => {
  const msg = { s: 'scène ✓ 𝄞' };
  const frame = encodeFrame(msg, { ascii: true });
  const payload = frame.subarray(6);
  t.true([...payload].every((b) => b < 0x80));
  t.true(payload.toString().includes('\\u00e8'));
  t.deepEqual(new FrameDecoder().push(frame), [msg]);
});

test('frames split at every byte and coalesced in one chunk decode in order', (t) => {
  const msgs = [{ a: 1 }, { b: 'x'.repeat(300) }, { c: 'é' }, { d: [1, 2, 3] }];
  const stream = Buffer.concat(msgs.map((m, i) => encodeFrame(m, { form: i % 2 ? 'text' : 'binary' })));
  const one = new FrameDecoder();
  const out: object[] = [];
  for (let i = 0; i < stream.length; i++) out.push(...one.push(stream.subarray(i, i + 1)));
  t.deepEqual(out, msgs);
  t.deepEqual(new FrameDecoder().push(stream), msgs);
  // Random split points.
  for (let round = 0; round < 50; round++) {
    const d = new FrameDecoder();
    const got: object[] = [];
    let pos = 0;
    while (pos < stream.length) {
      const n = 1 + Math.floor(Math.random() * 40);
      got.push(...d.push(stream.subarray(pos, pos + n)));
      pos += n;
    }
    t.deepEqual(got, msgs);
    t.is(d.pendingBytes, 0);
  }
});

test('a header split inside the hex length still decodes', (t) => {
  const frame = encodeFrame({ x: 1 }, { form: 'text' });
  const d = new FrameDecoder();
  t.deepEqual(d.push(frame.subarray(0, 7)), []);
  t.deepEqual(d.push(frame.subarray(7)), [{ x: 1 }]);
});

test('bad input throws FrameError with a reason', (t) => {
  t.throws(() => new FrameDecoder().push(Buffer.from('XY\0\0\0\x02{}')), { instanceOf: FrameError, message: /magic/ });
  const big = Buffer.from([0x41, 0x48, 0x00, 0x10, 0x00, 0x00]);
  t.throws(() => new FrameDecoder(1024).push(big), { instanceOf: FrameError, message: /over the maximum/ });
  t.throws(() => new FrameDecoder().push(encodeJsonFrame('{nope')), { instanceOf: FrameError, message: /not JSON/ });
  t.throws(() => new FrameDecoder().push(encodeJsonFrame('[1,2]')), { instanceOf: FrameError, message: /object/ });
  t.throws(() => new FrameDecoder().push(encodeJsonFrame('"str"')), { instanceOf: FrameError, message: /object/ });
  t.throws(() => new FrameDecoder().push(Buffer.from('AH00zz0001{}')), { instanceOf: FrameError, message: /length/ });
});

test('a large frame fed in small chunks decodes whole', (t) => {
  const payload = { blob: 'a'.repeat(8 * 1024 * 1024) };
  const frame = encodeFrame(payload);
  const d = new FrameDecoder();
  let out: object[] = [];
  for (let i = 0; i < frame.length; i += 1024) out = out.concat(d.push(frame.subarray(i, i + 1024)));
  t.is(out.length, 1);
  t.is((out[0] as typeof payload).blob.length, payload.blob.length);
  t.is(d.pendingBytes, 0);
});
