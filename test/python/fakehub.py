"""A small dcc-kit hub for tests: a real TCP server on 127.0.0.1.

It speaks the v1 framing with its own codec (independent of dcckit_houdini's),
checks the hello token, answers session.event requests, and sends requests to
the connected Houdini. By default it alternates the binary and text length forms
on every frame it sends, so both forms are exercised everywhere.
"""

import itertools
import json
import secrets
import socket
import struct
import threading

MAX_FRAME = 64 * 1024 * 1024


def frame_binary(message):
    payload = json.dumps(message).encode("utf-8")
    return b"AH" + struct.pack(">I", len(payload)) + payload


def frame_text(message):
    payload = json.dumps(message).encode("utf-8")
    return b"AH" + ("%08x" % len(payload)).encode("ascii") + payload


class Reply:
    """A reply the hub is waiting for."""

    def __init__(self):
        self._event = threading.Event()
        self.message = None

    def set(self, message):
        self.message = message
        self._event.set()

    def done(self):
        return self._event.is_set()

    def wait(self, timeout=5.0):
        if not self._event.wait(timeout):
            raise AssertionError("no reply within %gs" % timeout)
        return self.message


class HubConnection:
    def __init__(self, hub, sock):
        self.hub = hub
        self.sock = sock
        self.received = []  # (length form, message) in arrival order
        self.hello = None
        self.closed = threading.Event()
        self._ids = itertools.count(1)
        self._pending = {}
        self._lock = threading.Lock()
        self._forms = itertools.cycle(("binary", "text"))
        self._thread = threading.Thread(target=self._read_loop, name="fakehub-conn", daemon=True)
        self._thread.start()

    # ---- reading ----

    def _recv_exact(self, count):
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise EOFError()
            data += chunk
        return data

    def _read_loop(self):
        try:
            while True:
                magic = self._recv_exact(2)
                if magic != b"AH":
                    raise ValueError("bad magic from the client: %r" % magic)
                first = self._recv_exact(1)
                if first[0] >= 0x30:
                    form, length = "text", int((first + self._recv_exact(7)).decode("ascii"), 16)
                else:
                    form, length = "binary", struct.unpack(">I", first + self._recv_exact(3))[0]
                if length > MAX_FRAME:
                    raise ValueError("oversize frame from the client")
                message = json.loads(self._recv_exact(length).decode("utf-8"))
                self.received.append((form, message))
                self._handle(message)
        except (EOFError, OSError, ValueError):
            pass
        finally:
            self.close()

    def _handle(self, message):
        if self.hello is None:
            self.hello = message
            args = message.get("args") or {}
            if message.get("request") != "hello":
                self.close()
                return
            if args.get("token") != self.hub.token:
                self._reply_error(message, "AuthenticationError", "bad token")
                self.close()
                return
            self.session_id = "session-%d" % next(self.hub._session_numbers)
            self.send({"message_id": message["message_id"], "reply": True,
                       "result": {"session": self.session_id, "protocol": 1}})
            self.hub._authenticated(self)
            return
        if message.get("reply") is True:
            with self._lock:
                waiting = self._pending.pop(message.get("message_id"), None)
            if waiting is not None:
                waiting.set(message)
            return
        if message.get("request") == "session.event":
            self.hub.events.append(message.get("args"))
            if self.hub.event_error:
                self._reply_error(message, "UnknownRequestError", "session.event is not served")
            else:
                self.send({"message_id": message["message_id"], "reply": True, "result": None})
            return
        self._reply_error(message, "UnknownRequestError", "fake hub serves hello and session.event")

    def _reply_error(self, message, name, text):
        self.send({"message_id": message.get("message_id"), "reply": True,
                   "error": {"name": name, "message": text}})

    # ---- writing ----

    def encode(self, message, form=None):
        form = form or self.hub.form or next(self._forms)
        return frame_text(message) if form == "text" else frame_binary(message)

    def send(self, message, form=None):
        self.send_raw(self.encode(message, form))

    def send_raw(self, data):
        try:
            self.sock.sendall(data)
        except OSError:
            pass

    def prepare(self, name, args=None):
        """(message, Reply) for a request the test will send itself."""
        message_id = next(self._ids)
        message = {"message_id": message_id, "request": name}
        if args is not None:
            message["args"] = args
        waiting = Reply()
        with self._lock:
            self._pending[message_id] = waiting
        return message, waiting

    def request(self, name, args=None, form=None):
        message, waiting = self.prepare(name, args)
        self.send(message, form)
        return waiting

    def close(self):
        if self.closed.is_set():
            return
        self.closed.set()
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class FakeHub:
    def __init__(self, token=None, form=None):
        self.token = token or secrets.token_hex(16)
        self.form = form  # None: alternate binary/text on every frame
        self.events = []
        self.event_error = False
        self.connections = []
        self.sessions = []
        self._session_numbers = itertools.count(1)
        self._cond = threading.Condition()
        self._closing = threading.Event()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept_loop, name="fakehub-accept", daemon=True)
        self._thread.start()

    def _accept_loop(self):
        while not self._closing.is_set():
            try:
                sock, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            sock.settimeout(None)
            with self._cond:
                self.connections.append(HubConnection(self, sock))
                self._cond.notify_all()

    def _authenticated(self, connection):
        with self._cond:
            self.sessions.append(connection)
            self._cond.notify_all()

    def session(self, index=0, timeout=5.0):
        """The index-th connection whose hello was accepted, waiting for it."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.sessions) > index, timeout):
                raise AssertionError("no hub session #%d within %gs" % (index, timeout))
            return self.sessions[index]

    def wait_connections(self, count, timeout=5.0):
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.connections) >= count, timeout):
                raise AssertionError("fewer than %d connections within %gs" % (count, timeout))
            return list(self.connections)

    def runtime_record(self, pid=None):
        return {"pid": pid or 1, "port": self.port, "token": self.token, "protocol": 1}

    def close(self):
        self._closing.set()
        self._thread.join(2.0)
        self._listener.close()
        with self._cond:
            connections = list(self.connections)
        for connection in connections:
            connection.close()
