"""The hub client: connect out, say hello, serve requests, reconnect.

Threads (all daemon, none touches the DCC API):
  dcckit-hub-client      connects, reads and decodes frames, answers ping (when
                         the main thread serves the socket itself, see
                         serve_on_main_thread, it reads only while the main
                         thread is stuck in a request);
  dcckit-hub-writer      one per connection, sends queued frames;
  dcckit-deadlines       answers requests the main thread did not run or finish
                         in time (a request the main thread finishes is answered
                         from there, straight into the socket when it can).
The client never listens on a socket. The token goes into the hello frame and
nowhere else (no log line, no DCC session variable, no file).
"""

import itertools
import math
import os
import socket
import threading
import time

from . import endpoint, framing, log, mainthread, replies
from .deadlines import Deadlines
from .host import lookup
from .mainthread import Job
from .connection import Connection
from .readturns import ReadTurns, WATCH_INTERVAL

THREAD_NAME = "dcckit-hub-client"
PROTOCOL = 1

BACKOFF_MIN = 0.2
BACKOFF_MAX = 5.0
# A session shorter than this does not reset the backoff, so a hub that keeps
# accepting and dropping us is not hammered.
STABLE_AFTER = 5.0
CONNECT_TIMEOUT = 3.0
HELLO_TIMEOUT = 10.0
POLL_INTERVAL = 0.5
# The client thread's read timeout while the main thread wants the socket back (it hands it over between reads).
HAND_BACK_POLL = 0.05
# How long the client thread waits for the main thread to let go of a connection that ended.
RECLAIM_TIMEOUT = 2.0
MAX_IN_FLIGHT = 64
DEFAULT_CALL_TIMEOUT = 30.0


class UnsupportedMessageError(ValueError):
    pass


class BusyError(RuntimeError):
    pass


def default_call_timeout():
    raw = os.environ.get("DCC_KIT_CALL_TIMEOUT")
    try:
        value = float(raw) if raw else DEFAULT_CALL_TIMEOUT
    except ValueError:
        value = DEFAULT_CALL_TIMEOUT
    return value if value > 0 and math.isfinite(value) else DEFAULT_CALL_TIMEOUT


def _call_timeout(args, request, default):
    value = args.get("timeout")
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (0 < value < math.inf):
        raise TypeError("%s: args.timeout must be a positive number of seconds" % request)
    return float(value)


class ClientThread(threading.Thread):
    """The singleton thread; start() finds it by name, stop() through .client."""

    def __init__(self, client):
        threading.Thread.__init__(self, name=THREAD_NAME, daemon=True)
        self.client = client

    def run(self):
        self.client.run()


class Client:
    """host: a dcckit_client.host.Host (the DCC's name, info and requests)."""

    def __init__(self, dispatcher, host):
        self.dispatcher = dispatcher
        self.host = host
        self.host_info = host.info
        self.thread = ClientThread(self)
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._pending = {}
        self._connection = None
        self._accepted = False
        self._endpoint = None
        self._in_flight = 0
        self._outage_reported = False
        self._deadlines = Deadlines()
        # Read once: the environment is the launch's, and reading it costs on every request.
        self._default_timeout = default_call_timeout()
        self._turns = ReadTurns()
        self._decoder = None
        self._queue_main_work = False
        self.session = None

    # ---- public, any thread ---------------------------------------------------

    def status(self):
        with self._lock:
            return {
                "running": self.thread.is_alive() and not self._stopping.is_set(),
                "connected": self._accepted,
                "session": self.session if self._accepted else None,
                "port": self._endpoint.port if self._accepted and self._endpoint else None,
                "mode": self.dispatcher.mode,
            }

    def stop(self, timeout=2.0, flush=False):
        """flush: send the replies already queued before disconnecting (a process about to exit)."""
        self._stopping.set()
        self._deadlines.stop()
        with self._lock:
            connection = self._connection
        if connection is not None:
            connection.close(timeout if flush else 0.0)
        if self.thread.is_alive() and self.thread is not threading.current_thread():
            self.thread.join(timeout)

    def send_event(self, args):
        """Fire-and-forget session.event to the hub; False when not connected."""
        return self.send_request("session.event", args, self._on_event_reply)

    def send_request(self, name, args, on_reply):
        """A named request to the hub (e.g. a menu item); on_reply(message) runs on the client thread.

        False when not connected (on_reply is then never called).
        """
        with self._lock:
            connection = self._connection if self._accepted else None
            if connection is None:
                return False
            message_id = next(self._ids)
            self._pending[message_id] = on_reply
        return connection.send_frame(
            framing.encode({"message_id": message_id, "request": name, "args": args})
        )

    # ---- the connection loop (client thread) ---------------------------------

    def run(self):
        delay = BACKOFF_MIN
        while not self._stopping.is_set():
            lived = None
            try:
                found = endpoint.candidates()
                if not found:
                    self._report_outage(
                        "no hub to connect to: DCC_KIT_PORT/DCC_KIT_TOKEN are not set and %s "
                        "does not name one (start it with `dcc-kit hub start`); retrying"
                        % endpoint.runtime_file_path()
                    )
                for candidate in found:
                    if self._stopping.is_set():
                        break
                    lived = self._run_session(candidate)
                    if lived is not None:
                        break
            except Exception as error:  # a bug here must not end the thread
                log.info("hub client error (reconnecting): %r" % error)
            if self._stopping.is_set():
                break
            if lived is not None and lived >= STABLE_AFTER:
                delay = BACKOFF_MIN
            self._stopping.wait(delay)
            delay = min(delay * 2, BACKOFF_MAX)

    def _report_outage(self, text):
        if self._outage_reported:
            log.debug(text)
        else:
            self._outage_reported = True
            log.info(text)

    def _run_session(self, target):
        """Connect, hello, serve until the connection ends.

        Returns how long the session lasted after the hub accepted the hello, or
        None when it never did.
        """
        try:
            sock = socket.create_connection((endpoint.HOST, target.port), timeout=CONNECT_TIMEOUT)
        except OSError as error:
            self._report_outage(
                "cannot reach the hub at %s:%d (from the %s): %s; retrying"
                % (endpoint.HOST, target.port, target.source, error)
            )
            return None
        sock.settimeout(None)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        connection = Connection(sock)
        with self._lock:
            self._connection = connection
            self._endpoint = target
        accepted_at = []
        hello_scene = [None]

        def on_hello_reply(message):
            error = message.get("error")
            if error is not None or not isinstance(message.get("result"), dict):
                error = error if isinstance(error, dict) else {}
                self._report_outage(
                    "the hub on port %d refused this %s: %s: %s; retrying"
                    % (target.port, self.host.display_name, error.get("name", "Error"), error.get("message", "no reason given"))
                )
                connection.close()
                return
            with self._lock:
                self._accepted = True
                self.session = message["result"].get("session")
            accepted_at.append(time.monotonic())
            self._outage_reported = False
            log.info("connected to the dcc-kit hub on %s:%d (session %s)" % (endpoint.HOST, target.port, self.session))
            self._report_scene_if_changed(hello_scene[0])

        try:
            if self._stopping.is_set():
                return None
            hello_scene[0] = self._send_hello(connection, target, on_hello_reply)
            self._read_until_closed(connection, accepted_at)
        except framing.FrameError as error:
            log.info("dropping the hub connection: %s" % error)
        except OSError as error:
            log.debug("hub connection lost: %s" % error)
        finally:
            with self._lock:
                self._connection = None
                self._decoder = None
                self._accepted = False
                self._pending.clear()
            connection.dispose()
        if not accepted_at:
            return None
        if not self._stopping.is_set():
            log.info("disconnected from the dcc-kit hub; reconnecting")
        return time.monotonic() - accepted_at[0]

    def _send_hello(self, connection, target, on_reply):
        version, scene = self.host_info.snapshot()
        args = {"protocol": PROTOCOL, "token": target.token, "role": "dcc", "dcc": self.host.dcc, "pid": os.getpid()}
        if version is not None:
            args["version"] = version
        if scene is not None:
            args["scene"] = scene
        extra = self.host.hello_extra() if self.host.hello_extra else None
        if extra:
            args.update(extra)
        with self._lock:
            message_id = next(self._ids)
            self._pending[message_id] = on_reply
        connection.send_frame(framing.encode({"message_id": message_id, "request": "hello", "args": args}))
        return scene

    def _report_scene_if_changed(self, hello_scene):
        # A scene event between the hello and its answer could not be sent (Houdini, for one, loads the scene
        # given on its command line right after pythonrc.py): catch up so the hub does not keep the old one.
        _, scene = self.host_info.snapshot()
        if scene is not None and scene != hello_scene:
            self.send_event({"type": "scene.changed", "scene": scene, "cause": self.host_info.last_cause()})

    def _read_until_closed(self, connection, accepted_at):
        decoder = framing.FrameDecoder()
        with self._lock:
            self._decoder = decoder
        turns = self._turns
        started = time.monotonic()
        try:
            while not connection.closed and not self._stopping.is_set():
                if not accepted_at and time.monotonic() - started > HELLO_TIMEOUT:
                    log.info("the program on port %d did not answer the hello; is it a dcc-kit hub?" % self._endpoint.port)
                    return
                if not turns.client_reads():
                    # The main thread reads; stand by in case one of its requests keeps it away from the socket.
                    self._stopping.wait(WATCH_INTERVAL)
                    turns.take_over_if_stuck()
                    continue
                data = connection.receive(HAND_BACK_POLL if turns.main_serving() else POLL_INTERVAL)
                if data is not None and not data:
                    return
                if data:
                    for message in decoder.feed(data):
                        self._on_message(connection, message)
                turns.hand_back_if_idle()
        finally:
            self._reclaim(connection)

    def _reclaim(self, connection):
        """Before the connection is disposed of: make sure the main thread no longer reads it."""
        turns = self._turns
        if turns.client_reads():
            return
        connection.close()  # wakes a main thread waiting on the socket; it then gives the socket back
        deadline = time.monotonic() + RECLAIM_TIMEOUT
        while not turns.client_reads() and not turns.take_over_if_stuck() and time.monotonic() < deadline:
            time.sleep(0.01)

    # ---- the main thread serving the socket itself -----------------------------

    def serve_on_main_thread(self, until=None, poll_interval=0.1, who="dcckit_client"):
        """Read the hub's requests on the (main) calling thread and run them inline, until `until` is set
        or the client stops. The client thread keeps the session (connect, hello, reconnect) and reads only
        while the main thread is inside a request for long (see readturns)."""
        turns = self._turns
        turns.claim()
        try:
            while (until is None or not until.is_set()) and not self._stopping.is_set():
                if not turns.main_reads():
                    mainthread.pump(poll_interval, who)
                    continue
                if not mainthread.queue_is_empty():
                    mainthread.pump(0.0, who)
                    continue  # a job may have held the main thread long enough for the client thread to read
                self._read_on_main_thread(turns, poll_interval)
        finally:
            turns.release()

    def _read_on_main_thread(self, turns, poll_interval):
        with self._lock:
            connection, decoder = self._connection, self._decoder
        if connection is None or connection.closed or decoder is None:
            turns.give_back()
            return
        try:
            data = connection.receive(poll_interval)
            if data is None:
                return
            messages = decoder.feed(data) if data else None
        except (OSError, ValueError, framing.FrameError) as error:  # ValueError: a selector closed meanwhile
            if isinstance(error, framing.FrameError):
                log.info("dropping the hub connection: %s" % error)
            messages = None
        if messages is None:  # the connection ended: the client thread disposes of it and reconnects
            connection.close()
            turns.give_back()
            return
        if len(messages) == 1:
            self._on_message(connection, messages[0])
            return
        # Several at once: answer what needs no main thread now and give every main-thread request its
        # deadline before any of them runs (queued, run by the next pump), so none waits unseen behind a
        # long one while the client thread reads.
        self._queue_main_work = True
        try:
            for message in messages:
                self._on_message(connection, message)
        finally:
            self._queue_main_work = False

    # ---- incoming messages ----------------------------------------------------

    def _on_message(self, connection, message):
        message_id = message.get("message_id")
        if message.get("reply") is True:
            callback = None
            if isinstance(message_id, int):
                with self._lock:
                    callback = self._pending.pop(message_id, None)
            if callback is None:
                log.debug("ignoring a reply to unknown message %r" % (message_id,))
            else:
                callback(message)
            return
        name = message.get("request")
        if message_id is None:
            log.debug("ignoring a message without message_id")
            return
        if name is None:
            kind = "function/script (AYON-style)" if ("function" in message or "script" in message) else "unrecognised"
            error = UnsupportedMessageError(
                "this %s serves named requests only ({message_id, request, args}); "
                "a %s message is not accepted" % (self.host.display_name, kind)
            )
            connection.send_frame(replies.error_frame(message_id, error))
            return
        self._serve_request(connection, message_id, name, message.get("args"))

    def _serve_request(self, connection, message_id, name, args):
        try:
            handler, on_main_thread = lookup(self.host, name)
            args = {} if args is None else args
            if not isinstance(args, dict):
                raise TypeError("%s: args must be a JSON object" % name)
            timeout = _call_timeout(args, name, self._default_timeout)
            if not on_main_thread:
                connection.send_frame(replies.result_frame(message_id, handler(args)))
                return
            with self._lock:
                if self._in_flight >= MAX_IN_FLIGHT:
                    raise BusyError(
                        "%d requests are already waiting for %s's main thread; retry later"
                        % (self._in_flight, self.host.display_name)
                    )
                self._in_flight += 1
        except Exception as error:
            connection.send_frame(replies.error_frame(message_id, error))
            return
        # The reply goes out once: from the main thread when the job is done, or from the deadline
        # thread when it is not done in time (a job not started by then is cancelled).
        answered = []
        answer_lock = threading.Lock()

        def answer(frame):
            with answer_lock:
                if answered:
                    return
                answered.append(True)
            with self._lock:
                self._in_flight -= 1
            if not connection.send_frame(frame):
                log.debug("the connection that asked for %s closed before its reply" % name)

        def on_done(result, error):
            Deadlines.cancel(deadline)
            answer(replies.error_frame(message_id, error) if error is not None else replies.result_frame(message_id, result))

        def on_deadline():
            late = job.expire(timeout, self.dispatcher.busy_reason, self.dispatcher.host_name)
            if late is not None:
                answer(replies.error_frame(message_id, late))

        if self._turns.main_serving():
            job = Job(lambda: self._turns.run_busy(lambda: handler(args)), name, on_done)
        else:
            job = Job(lambda: handler(args), name, on_done)
        deadline = self._deadlines.add(timeout, on_deadline)
        try:
            if self._queue_main_work and mainthread.is_main_thread():
                self.dispatcher.submit(job.run)
            else:
                self.dispatcher.start(job)
        except Exception as error:  # the host could not take the job at all
            Deadlines.cancel(deadline)
            job.expire(timeout, self.dispatcher.busy_reason, self.dispatcher.host_name)
            answer(replies.error_frame(message_id, error))

    def _on_event_reply(self, message):
        error = message.get("error")
        if error is not None:
            log.debug("the hub answered a session.event with an error: %r" % (error,))
