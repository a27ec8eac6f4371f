"""One TCP connection to the hub: a blocking reader API and a writer thread.

Frames are handed to a queue that a writer thread drains, so no caller (least
of all the DCC's main thread, which sends scene events) ever blocks on the
network.
"""

import queue
import select
import selectors
import socket
import threading

from . import log

WRITER_NAME = "dcckit-hub-writer"
# Non-blocking send flag (Linux, macOS); without it every frame goes through the writer thread.
_DONTWAIT = getattr(socket, "MSG_DONTWAIT", 0)
_READ_SIZE = 256 * 1024


class Connection:
    def __init__(self, sock):
        self._sock = sock
        # poll (or selectors where there is none), not select.select: a DCC process can hold fds above
        # FD_SETSIZE. poll directly: the selectors layer costs more than the syscall on every request.
        if hasattr(select, "poll"):
            self._poll = select.poll()
            self._poll.register(sock, select.POLLIN)
            self._selector = None
        else:
            self._poll = None
            self._selector = selectors.DefaultSelector()
            self._selector.register(sock, selectors.EVENT_READ)
        self._outgoing = queue.Queue()
        self._lock = threading.Lock()
        # Held while bytes go out; _queued counts frames handed to the writer and not sent yet.
        self._send_lock = threading.Lock()
        self._queued = 0
        self._closed = False
        self._writer = threading.Thread(target=self._write_loop, name=WRITER_NAME, daemon=True)
        self._writer.start()

    @property
    def closed(self):
        return self._closed

    def send_frame(self, frame):
        """Send an encoded frame without ever blocking; False when the connection is already closed.

        When nothing is waiting for the writer, the frame goes straight into the socket's buffer
        (non-blocking: one thread wake-up less per reply); whatever does not fit, or anything sent while
        frames are queued, goes through the writer thread, in order.
        """
        with self._lock:
            if self._closed:
                return False
        with self._send_lock:
            if self._queued == 0 and _DONTWAIT:
                try:
                    sent = self._sock.send(frame, _DONTWAIT)
                except (BlockingIOError, InterruptedError):
                    sent = 0
                except OSError as error:
                    log.debug("write to the hub failed: %s" % error)
                    self.close()
                    return False
                if sent == len(frame):
                    return True
                frame = frame[sent:]
            with self._lock:
                if self._closed:
                    return False
                self._queued += 1
                self._outgoing.put(frame)
        return True

    def _write_loop(self):
        while True:
            frame = self._outgoing.get()
            if frame is None:
                return
            try:
                with self._send_lock:
                    self._sock.sendall(frame)
                    self._queued -= 1
            except OSError as error:
                log.debug("write to the hub failed: %s" % error)
                self.close()
                return

    def receive(self, timeout):
        """Bytes read, b"" when the hub closed the connection, None if nothing came in time."""
        if self._poll is not None:
            if not self._poll.poll(max(0, int(timeout * 1000))):
                return None
        elif not self._selector.select(timeout):
            return None
        return self._sock.recv(_READ_SIZE)

    def close(self, flush_timeout=0.0):
        """Stop sending and wake the reader. Safe from any thread, any number of times.

        flush_timeout > 0: first let the writer send what is queued (a reply to a
        quit request), waiting at most that many seconds.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._outgoing.put(None)
        if flush_timeout > 0 and self._writer is not threading.current_thread():
            self._writer.join(flush_timeout)
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def dispose(self):
        """Close and release the socket. Only the reading thread calls this."""
        self.close()
        self._writer.join(1.0)
        if self._selector is not None:
            self._selector.close()
        self._sock.close()
