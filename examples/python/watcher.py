#!/usr/bin/env python3
"""Watch a Flowcast workflow's events over the TCP event-bus bridge (docs/EVENTBUS.md, "The bridge").

Prints `<type> <seq> <compact JSON>` per message: first the snapshot (or, with --last-event-id, the
events after that id), then every event live. Standard library only (Python 3.9+).

Protocol in short:
- framing: every frame, both ways, is a 4-byte big-endian length, then that many bytes of UTF-8 JSON;
  one TCP read may hold part of a frame or several frames, so we buffer until a frame is whole;
- `register` on `flowcast.events.<workflow id>` with headers.authorization = "Bearer <JWT>" starts
  the feed; there is no acknowledgement: the first `message` on that address is the snapshot;
- an `err` frame on that address ends the registration (`code`: expired, revoked, gone, closed);
  when the token expired we register again with a new one and last_event_id (the id in the
  headers of the last message), which resumes the feed with no gap and no duplicate;
- the server closes a TCP connection it has read nothing from for 60 s: a watcher only receives,
  so it must ping.
"""
import argparse, json, socket, struct, sys, time
import urllib.error, urllib.parse, urllib.request

PING_EVERY = 20.0   # seconds; well under the server's bridge.idle_timeout_ms (60 s by default)


def fetch_token(args):
    """A JWT from the token endpoint's client_credentials grant (docs/AUTH.md)."""
    form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": args.client_id,
                                   "client_secret": args.client_secret}).encode()
    try:
        with urllib.request.urlopen(args.http.rstrip("/") + "/api/v1/auth/token", form) as resp:
            return json.load(resp)["access_token"]
    except urllib.error.HTTPError as e:   # RFC 6749 {error, error_description}
        raise OSError("token endpoint %d: %s" % (e.code, e.read().decode())) from None


class Bridge:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port))
        self.sock.settimeout(PING_EVERY)
        self.buf = b""

    def write(self, frame):
        data = json.dumps(frame).encode("utf-8")
        self.sock.sendall(struct.pack(">I", len(data)) + data)

    def read(self):
        """The next whole frame, however the bytes were split or merged across reads.
        Pings the server whenever PING_EVERY seconds pass without anything to read."""
        while True:
            if len(self.buf) >= 4:
                (size,) = struct.unpack(">I", self.buf[:4])
                if len(self.buf) >= 4 + size:
                    frame, self.buf = self.buf[4:4 + size], self.buf[4 + size:]
                    return json.loads(frame.decode("utf-8"))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                self.write({"type": "ping"})
                continue
            if not chunk:
                raise ConnectionError("the bridge closed the connection")
            self.buf += chunk


def main():
    p = argparse.ArgumentParser(description="Flowcast bridge watcher")
    p.add_argument("--token", help="a JWT (else --http, --client-id, --client-secret)")
    p.add_argument("--http", help="HTTP base URL of Flowcast, for the token endpoint")
    p.add_argument("--client-id")
    p.add_argument("--client-secret")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True, help="the bridge's TCP port")
    p.add_argument("--workflow", required=True)
    p.add_argument("--last-event-id", help="resume after this event id (no snapshot)")
    p.add_argument("--count", type=int, help="exit after this many messages")
    args = p.parse_args()
    if not args.token and not (args.http and args.client_id and args.client_secret):
        p.error("give --token, or --http with --client-id and --client-secret")

    address = "flowcast.events." + args.workflow
    bridge = Bridge(args.host, args.port)

    def register(token, last_event_id):
        headers = {"authorization": "Bearer " + token}
        if last_event_id:
            headers["last_event_id"] = last_event_id   # resume after it: no snapshot, no gap
        bridge.write({"type": "register", "address": address, "headers": headers})

    last_id = args.last_event_id
    register(args.token or fetch_token(args), last_id)
    received = 0
    while args.count is None or received < args.count:
        frame = bridge.read()
        kind = frame.get("type")
        if kind == "err" and frame.get("code") == "expired" and not args.token:
            # the token of the registration expired: with credentials, take a new one and go on
            print("renewing the token, resuming after %s" % last_id, file=sys.stderr)
            register(fetch_token(args), last_id)
            continue
        if kind == "err":
            print("error %s %s" % (frame.get("failureCode"), frame.get("message")), file=sys.stderr)
            return 1
        if kind == "message" and frame.get("address") == address:
            last_id = frame["headers"]["id"]
            body = frame["body"]
            compact = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
            print("%s %s %s" % (body.get("type"), body.get("seq"), compact), flush=True)
            received += 1
            # after workflow.deleted / workflow.expired the server ends the feed with an err `gone`
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError) as e:   # connection refused or closed, token endpoint errors...
        print("error - %s" % e, file=sys.stderr)
        sys.exit(2)
