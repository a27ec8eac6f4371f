"""The dcc-kit wire framing (protocol v1).

A frame is b"AH" + length + payload, the payload a UTF-8 JSON object. The
length counts payload bytes in one of two forms, both accepted on read:
  - binary: 4 bytes, unsigned big-endian (6-byte header);
  - text: 8 hex ASCII digits (10-byte header), what Harmony's scripts send.
A first length byte >= 0x30 ('0') means text form: a binary length that large
is far over any frame limit. We always write the binary form.
"""

import json
import struct

MAGIC = b"AH"
MAX_FRAME = 64 * 1024 * 1024
_BINARY_HEADER = 6
_TEXT_HEADER = 10
_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")


class FrameError(Exception):
    """The byte stream broke the framing rules; the connection must be dropped."""


class BadMagicError(FrameError):
    pass


class FrameTooLargeError(FrameError):
    pass


class BadPayloadError(FrameError):
    pass


# One encoder for every frame (json.dumps with options builds a new one per call).
_ENCODER = json.JSONEncoder(ensure_ascii=True, allow_nan=False, separators=(",", ":"))


def dumps(message):
    """Serialise a message the way it goes on the wire (compact, strict JSON).

    ASCII-only output (non-ASCII as \\u escapes) is valid UTF-8 and cannot fail
    to encode, even for strings holding lone surrogates (undecodable file names).
    """
    return _ENCODER.encode(message)


def encode(message, max_size=None):
    """Encode one message as a binary-length frame.

    Raises TypeError/ValueError when the message is not JSON-serialisable and
    FrameTooLargeError when the payload exceeds max_size.
    """
    payload = dumps(message).encode("ascii")
    max_size = MAX_FRAME if max_size is None else max_size
    if len(payload) > max_size:
        raise FrameTooLargeError(
            "message is %d bytes, over the %d-byte frame limit" % (len(payload), max_size)
        )
    return MAGIC + struct.pack(">I", len(payload)) + payload


class FrameDecoder:
    """Incremental decoder: feed() whatever recv() returned, get whole messages back.

    Handles frames split across reads and several frames in one read. Raises a
    FrameError subclass on a bad magic, an oversize length, or a payload that is
    not a UTF-8 JSON object; after that the stream cannot be trusted.
    """

    def __init__(self, max_size=None):
        self._buffer = bytearray()
        self._max_size = MAX_FRAME if max_size is None else max_size

    def feed(self, data):
        self._buffer += data
        messages = []
        while True:
            message = self._take_one()
            if message is None:
                return messages
            messages.append(message)

    def _take_one(self):
        buf = self._buffer
        # Check the magic as soon as its bytes arrive, not when the frame completes.
        if len(buf) >= 1 and buf[0] != MAGIC[0] or len(buf) >= 2 and buf[1] != MAGIC[1]:
            raise BadMagicError("bad frame magic %r (expected b'AH')" % bytes(buf[:2]))
        if len(buf) < 3:
            return None
        if buf[2] >= 0x30:
            header = _TEXT_HEADER
            digits = bytes(buf[2:min(len(buf), _TEXT_HEADER)])
            if any(b not in _HEX_DIGITS for b in digits):
                raise BadMagicError("bad text-form frame length %r (expected 8 hex digits)" % digits)
            if len(buf) < header:
                return None
            length = int(digits, 16)
        else:
            header = _BINARY_HEADER
            if len(buf) < header:
                return None
            length = struct.unpack(">I", bytes(buf[2:6]))[0]
        if length > self._max_size:
            raise FrameTooLargeError(
                "incoming frame of %d bytes is over the %d-byte limit" % (length, self._max_size)
            )
        end = header + length
        if len(buf) < end:
            return None
        payload = bytes(buf[header:end])
        del buf[:end]
        return _parse_payload(payload)


def _parse_payload(payload):
    try:
        message = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BadPayloadError("frame payload is not UTF-8 JSON: %s" % error)
    if not isinstance(message, dict):
        raise BadPayloadError("frame payload is JSON but not an object")
    return message
