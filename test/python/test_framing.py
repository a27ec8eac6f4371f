"""The frame codec on its own: both length forms, split/coalesced input, bad input."""

import json
import struct
import unittest

import harness  # noqa: F401  (puts the package on sys.path)
from dcckit_client import framing
from fakehub import frame_binary, frame_text


class DecodeTest(unittest.TestCase):
    def test_binary_and_text_forms(self):
        decoder = framing.FrameDecoder()
        self.assertEqual(decoder.feed(frame_binary({"a": 1})), [{"a": 1}])
        self.assertEqual(decoder.feed(frame_text({"b": 2})), [{"b": 2}])

    def test_uppercase_hex_lengths_are_accepted(self):
        payload = json.dumps({"k": "x" * 200}).encode()
        frame = b"AH" + ("%08X" % len(payload)).encode() + payload
        self.assertEqual(framing.FrameDecoder().feed(frame), [{"k": "x" * 200}])

    def test_byte_by_byte_with_multibyte_utf8(self):
        messages = [{"text": "\u00e9\u00e8 \u2713 \U0001F600"}, {"n": list(range(50))}]
        stream = frame_text(messages[0]) + frame_binary(messages[1])
        decoder = framing.FrameDecoder()
        decoded = []
        for index in range(len(stream)):
            decoded.extend(decoder.feed(stream[index:index + 1]))
        self.assertEqual(decoded, messages)

    def test_coalesced_frames_and_a_trailing_partial_one(self):
        stream = frame_binary({"i": 1}) + frame_text({"i": 2}) + frame_binary({"i": 3})
        decoder = framing.FrameDecoder()
        self.assertEqual(decoder.feed(stream[:-4]), [{"i": 1}, {"i": 2}])
        self.assertEqual(decoder.feed(stream[-4:]), [{"i": 3}])

    def test_empty_object_and_zero_padding(self):
        self.assertEqual(framing.FrameDecoder().feed(b"AH00000002{}"), [{}])

    def test_bad_magic_is_detected_from_the_first_byte(self):
        with self.assertRaises(framing.BadMagicError):
            framing.FrameDecoder().feed(b"X")
        with self.assertRaises(framing.BadMagicError):
            framing.FrameDecoder().feed(b"AX")

    def test_text_length_must_be_hex(self):
        with self.assertRaises(framing.FrameError):
            framing.FrameDecoder().feed(b"AH0000zz02{}")

    def test_oversize_lengths_in_both_forms(self):
        with self.assertRaises(framing.FrameTooLargeError):
            framing.FrameDecoder().feed(b"AH" + struct.pack(">I", framing.MAX_FRAME + 1))
        with self.assertRaises(framing.FrameTooLargeError):
            framing.FrameDecoder().feed(b"AH%08x" % (framing.MAX_FRAME + 1))
        # Exactly the limit is fine (header only; the payload has not arrived).
        self.assertEqual(framing.FrameDecoder().feed(b"AH" + struct.pack(">I", framing.MAX_FRAME)), [])

    def test_a_smaller_limit(self):
        with self.assertRaises(framing.FrameTooLargeError):
            framing.FrameDecoder(max_size=10).feed(frame_binary({"long": "x" * 20}))

    def test_payloads_must_be_utf8_json_objects(self):
        for payload in (b"[1,2]", b"not json", b"\xff\xfe{}", b'"s"'):
            with self.assertRaises(framing.BadPayloadError, msg=payload):
                framing.FrameDecoder().feed(b"AH" + struct.pack(">I", len(payload)) + payload)


class EncodeTest(unittest.TestCase):
    def test_writes_the_binary_form(self):
        frame = framing.encode({"message_id": 1, "result": "\u00e9"})
        self.assertEqual(frame[:2], b"AH")
        length = struct.unpack(">I", frame[2:6])[0]
        self.assertEqual(length, len(frame) - 6)
        self.assertEqual(json.loads(frame[6:].decode("utf-8")), {"message_id": 1, "result": "\u00e9"})
        self.assertEqual(framing.FrameDecoder().feed(frame), [{"message_id": 1, "result": "\u00e9"}])

    def test_lone_surrogates_still_encode(self):
        frame = framing.encode({"path": "caf\udce9"})
        self.assertEqual(framing.FrameDecoder().feed(frame), [{"path": "caf\udce9"}])

    def test_refuses_nan_and_oversize(self):
        with self.assertRaises(ValueError):
            framing.encode({"x": float("nan")})
        with self.assertRaises(framing.FrameTooLargeError):
            framing.encode({"x": "y" * 100}, max_size=50)


if __name__ == "__main__":
    unittest.main()
