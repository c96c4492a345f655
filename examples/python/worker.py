#!/usr/bin/env python3
"""A Flowcast worker over the TCP event-bus bridge (docs/EVENTBUS.md, "The bridge").

It claims the actions of one workflow, completes each with {"handled_by", "echo"} and prints
`completed <action id> <action type>` per action. With --work-seconds it "works" that long on each
action first, renewing its lease with a heartbeat every second; when the workflow is cancelled the
next heartbeat is refused, and the worker prints `cancelled <action id> <action type>` and stops.
Standard library only (Python 3.9+).

Protocol in short:
- framing: every frame, both ways, is a 4-byte big-endian length, then that many bytes of UTF-8 JSON;
  one TCP read may hold part of a frame or several frames, so we buffer until a frame is whole;
- every `send` carries headers.authorization = "Bearer <JWT>": each frame is checked on its own;
- a `send` names a replyAddress of our choosing; the answer is a `message` (or an `err`) whose
  `address` is that replyAddress, which is how a reply is matched to its command;
- the server closes a TCP connection it has read nothing from for 60 s: we ping more often.
"""
import argparse, itertools, json, socket, struct, sys, time
import urllib.error, urllib.parse, urllib.request

PING_EVERY = 20.0   # seconds; well under the server's bridge.idle_timeout_ms (60 s by default)
POLL_PAUSE = 0.2    # seconds to wait when nothing is claimable


class BridgeError(Exception):
    """An `err` frame: failureCode is the HTTP status the HTTP API would answer."""
    def __init__(self, frame):
        super().__init__(frame.get("message"))
        self.code, self.message = frame.get("failureCode"), frame.get("message")


class Token:
    """A fixed --token, or one from the client_credentials grant, fetched again before it expires."""
    def __init__(self, args):
        self.args, self.value, self.renew_at = args, args.token, float("inf")

    def header(self):
        if self.value is None or time.monotonic() >= self.renew_at:
            form = urllib.parse.urlencode({"grant_type": "client_credentials",
                                           "client_id": self.args.client_id,
                                           "client_secret": self.args.client_secret}).encode()
            url = self.args.http.rstrip("/") + "/api/v1/auth/token"
            try:
                with urllib.request.urlopen(url, form) as resp:
                    answer = json.load(resp)
            except urllib.error.HTTPError as e:   # RFC 6749 {error, error_description}
                raise OSError("token endpoint %d: %s" % (e.code, e.read().decode())) from None
            self.value = answer["access_token"]
            self.renew_at = time.monotonic() + answer["expires_in"] * 0.8
        return "Bearer " + self.value


class Bridge:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port))
        self.buf = b""
        self.ids = itertools.count(1)
        self.last_ping = time.monotonic()

    def write(self, frame):
        data = json.dumps(frame).encode("utf-8")
        self.sock.sendall(struct.pack(">I", len(data)) + data)

    def read(self):
        """The next whole frame, however the bytes were split or merged across reads."""
        while True:
            if len(self.buf) >= 4:
                (size,) = struct.unpack(">I", self.buf[:4])
                if len(self.buf) >= 4 + size:
                    frame, self.buf = self.buf[4:4 + size], self.buf[4 + size:]
                    return json.loads(frame.decode("utf-8"))
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the bridge closed the connection")
            self.buf += chunk

    def request(self, address, body, token):
        """Send a command and wait for its reply (the frame addressed to our replyAddress)."""
        reply_to = "worker.reply.%d" % next(self.ids)
        self.write({"type": "send", "address": address, "replyAddress": reply_to,
                    "headers": {"authorization": token.header()}, "body": body})
        while True:
            frame = self.read()
            if frame.get("type") == "pong":
                continue
            if frame.get("type") == "err" and frame.get("address") in (reply_to, None):
                raise BridgeError(frame)   # our command failed, or the connection is failing
            if frame.get("address") == reply_to:
                return frame["body"]

    def keep_alive(self):
        if time.monotonic() - self.last_ping >= PING_EVERY:
            self.write({"type": "ping"})   # its pong is skipped by request()
            self.last_ping = time.monotonic()


def work(bridge, token, args, action):
    """Works on an action for --work-seconds, renewing its lease every second; False when the workflow
    was cancelled meanwhile (the heartbeat is refused with 409 naming the status: stop at once)."""
    until = time.monotonic() + args.work_seconds
    while time.monotonic() < until:
        time.sleep(min(1.0, max(0.0, until - time.monotonic())))
        try:
            bridge.request("flowcast.workflow.action.heartbeat",
                           {"id": args.workflow, "action_id": action["id"],
                            "body": {"worker": args.worker, "lease_seconds": max(args.lease or 0, 5)}}, token)
        except BridgeError as e:
            if e.code == 409 and " is cancelled " in (e.message or ""):
                return False
            raise
    return True


def main():
    p = argparse.ArgumentParser(description="Flowcast bridge worker")
    p.add_argument("--token", help="a JWT (else --http, --client-id, --client-secret)")
    p.add_argument("--http", help="HTTP base URL of Flowcast, for the token endpoint")
    p.add_argument("--client-id")
    p.add_argument("--client-secret")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True, help="the bridge's TCP port")
    p.add_argument("--workflow", required=True)
    p.add_argument("--worker", required=True, help="this worker's name")
    p.add_argument("--lease", type=int, help="lease in seconds (server default when absent)")
    p.add_argument("--max", type=int, help="exit after this many completed actions")
    p.add_argument("--idle-exit", type=float, default=10, help="exit after this long with nothing claimable")
    p.add_argument("--work-seconds", type=float, default=0,
                   help="work this long on each action, with a heartbeat every second (stops on a cancel)")
    args = p.parse_args()
    if not args.token and not (args.http and args.client_id and args.client_secret):
        p.error("give --token, or --http with --client-id and --client-secret")

    token, bridge = Token(args), Bridge(args.host, args.port)
    claim = {"worker": args.worker}
    if args.lease:
        claim["lease_seconds"] = args.lease
    done, idle_since = 0, time.monotonic()
    while args.max is None or done < args.max:
        bridge.keep_alive()
        try:
            action = bridge.request("flowcast.workflow.action.claim",
                                    {"id": args.workflow, "body": claim}, token)["action"]
        except BridgeError as e:
            if e.code != 429:
                raise
            time.sleep(1)   # over the write quota: back off, then claim again
            continue
        if action is None:   # nothing claimable
            if time.monotonic() - idle_since >= args.idle_exit:
                break
            time.sleep(POLL_PAUSE)
            continue
        if args.work_seconds and not work(bridge, token, args, action):
            print("cancelled %s %s" % (action["id"], action["type"]), flush=True)
            return
        result = {"handled_by": args.worker, "echo": action.get("payload")}
        try:
            bridge.request("flowcast.workflow.action.complete",
                           {"id": args.workflow, "action_id": action["id"],
                            "body": {"result": result, "worker": args.worker}}, token)
        except BridgeError as e:
            if e.code != 409:
                raise
            # our lease ran out and another worker took the action: its outcome counts
            print("skipped %s %s" % (action["id"], e.message), file=sys.stderr)
            continue
        done += 1
        idle_since = time.monotonic()
        print("completed %s %s" % (action["id"], action["type"]), flush=True)


if __name__ == "__main__":
    try:
        main()
    except BridgeError as e:
        print("error %s %s" % (e.code, e.message), file=sys.stderr)
        sys.exit(1)
    except (OSError, ValueError) as e:   # connection refused or closed, token endpoint errors...
        print("error - %s" % e, file=sys.stderr)
        sys.exit(2)
