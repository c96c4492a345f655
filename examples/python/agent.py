#!/usr/bin/env python3
"""An agent on Flowcast's HTTP API (docs/AGENTS.md): it streams an answer token by token into an output,
asks a person to approve it with an interrupt, waits for the answer and ends the workflow; a cancel
stops it at once, whether it is answering or waiting. Standard library only (Python 3.9+).

What it prints, one line each (a test reads them): `streaming <workflow>`, `closed <length>`,
`text <the whole answer as JSON>`, `raised <interrupt id>`, `answered <decision>`, then `completed` or
`failed`; or `cancelled while answering` / `cancelled while waiting`.

The HTTP API in short (docs/API.md):
- a token: POST /api/v1/auth/token, grant client_credentials (the development client `worker`);
- the answer: POST .../outputs/answer/append {"text", "offset"} per token (the offset makes a retried
  append harmless: 412 once the first landed), then POST .../outputs/answer/close; browsers see every
  token at once, the durable log keeps one row per roll-up window;
- the question: POST .../interrupts {kind, prompt, schema}; the workflow shows `waiting` until a person
  answers it, on any device and any instance; the answer is an `interrupt.resolved` event;
- the events: GET .../stream?format=message, an SSE stream whose every frame is one JSON object with its
  `type`; we open it before we ask, so an answer given at once is not missed;
- a cancel (POST .../cancel, from the page) makes the next append a 409 and puts `workflow.cancelled` on
  the stream: either way the agent stops.
"""
import argparse, http.client, json, queue, sys, threading, time
import urllib.error, urllib.parse, urllib.request

SCHEMA = {"type": "object", "required": ["decision"],
          "properties": {"decision": {"enum": ["approve", "reject"]}}}
WORDS = ("the quick answer weighs every document the ticket names, checks the figures twice and "
         "writes a reply the customer can act on").split()


class Cancelled(Exception):
    pass


class Api:
    def __init__(self, base, client_id, client_secret):
        self.base, self.client_id, self.client_secret = base.rstrip("/"), client_id, client_secret
        self.token = None

    def login(self):
        form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": self.client_id,
                                       "client_secret": self.client_secret}).encode()
        with urllib.request.urlopen(self.base + "/api/v1/auth/token", form) as resp:
            self.token = json.load(resp)["access_token"]

    def call(self, method, path, body=None, content_type="application/json"):
        """(status, JSON answer or None); a 4xx/5xx is an answer too (problem+json)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Authorization": "Bearer " + self.token,
                                              "Content-Type": content_type})
        try:
            with urllib.request.urlopen(req) as resp:
                text = resp.read()
                return resp.status, json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            text = e.read()
            return e.code, json.loads(text) if text else None


class Events(threading.Thread):
    """The workflow's SSE stream on a thread of its own: every frame, parsed, into a queue. After a drop
    it reconnects with Last-Event-ID, so no event is missed."""
    def __init__(self, api, workflow):
        super().__init__(daemon=True)
        self.api, self.workflow, self.frames, self.last_id = api, workflow, queue.Queue(), None
        self.opened = threading.Event()

    def run(self):
        url = urllib.parse.urlsplit(self.api.base)
        while True:
            try:
                conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=120)
                headers = {"Authorization": "Bearer " + self.api.token, "Accept": "text/event-stream"}
                if self.last_id:
                    headers["Last-Event-ID"] = self.last_id
                conn.request("GET", "/api/v1/workflows/%s/stream?format=message" % self.workflow, headers=headers)
                resp = conn.getresponse()
                if resp.status != 200:
                    raise OSError("stream answered %d" % resp.status)
                self.read(resp)
            except OSError:
                pass
            time.sleep(0.5)

    def read(self, resp):
        data = []
        while True:
            line = resp.fp.readline()
            if not line:
                return
            line = line.decode("utf-8").rstrip("\r\n")
            if line.startswith("data:"):
                data.append(line[5:].lstrip(" "))
            elif line.startswith("id:"):
                self.last_id = line[3:].strip()
            elif line == "" and data:
                self.frames.put(json.loads("\n".join(data)))
                self.opened.set()
                data = []

    def cancelled(self):
        """Whether a workflow.cancelled arrived (takes the frames seen so far)."""
        while True:
            try:
                frame = self.frames.get_nowait()
            except queue.Empty:
                return False
            if frame.get("type") == "workflow.cancelled":
                return True

    def answer(self, interrupt_id, timeout):
        """The value of our interrupt's answer; Cancelled when the workflow is cancelled first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                frame = self.frames.get(timeout=0.2)
            except queue.Empty:
                continue
            if frame.get("type") == "workflow.cancelled":
                raise Cancelled()
            if frame.get("type") == "interrupt.resolved" and frame.get("data", {}).get("id") == interrupt_id:
                return frame["data"]["value"]
        raise TimeoutError("no answer within %s s" % timeout)


def say(*parts):
    print(*parts, flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--http", default="http://127.0.0.1:8080")
    p.add_argument("--client-id", default="worker")
    p.add_argument("--client-secret", default="worker-dev-secret")
    p.add_argument("--workflow", required=True)
    p.add_argument("--tokens", type=int, default=60, help="how many tokens the answer has")
    p.add_argument("--delay-ms", type=int, default=50, help="time between two tokens (the model's pace)")
    p.add_argument("--answer-timeout", type=float, default=120, help="seconds to wait for the person")
    args = p.parse_args()

    api = Api(args.http, args.client_id, args.client_secret)
    api.login()
    base = "/api/v1/workflows/" + args.workflow
    status, body = api.call("POST", "/api/v1/workflows", {"id": args.workflow, "status": "running"})
    if status != 201:
        sys.exit("create answered %d: %s" % (status, body))
    events = Events(api, args.workflow)
    events.start()
    events.opened.wait(10)   # the snapshot: from here on no event of the workflow is missed
    try:
        say("streaming", args.workflow)
        text = ""
        for i in range(args.tokens):
            token = WORDS[i % len(WORDS)] + ("." if i == args.tokens - 1 else " ")
            status, body = api.call("POST", base + "/outputs/answer/append", {"text": token, "offset": len(text)})
            if status == 409 or events.cancelled():
                raise Cancelled()
            if status != 200:
                sys.exit("append answered %d: %s" % (status, body))
            text += token
            time.sleep(args.delay_ms / 1000)
        status, body = api.call("POST", base + "/outputs/answer/close", {})
        if status == 409:
            raise Cancelled()
        say("closed", len(body["text"]))
        say("text", json.dumps(body["text"]))
        status, body = api.call("POST", base + "/interrupts", {"kind": "approve",
                                "prompt": "Send this answer to the customer?", "schema": SCHEMA})
        if status == 409:
            raise Cancelled()
        if status != 201:
            sys.exit("raising answered %d: %s" % (status, body))
        say("raised", body["id"])
        try:
            decision = events.answer(body["id"], args.answer_timeout)["decision"]
        except Cancelled:
            say("cancelled while waiting")
            return
        say("answered", decision)
        outcome = "completed" if decision == "approve" else "failed"
        status, body = api.call("PATCH", base, {"status": outcome}, "application/merge-patch+json")
        say(outcome if status == 200 else "could not end the workflow: %d %s" % (status, body))
    except Cancelled:
        say("cancelled while answering")


if __name__ == "__main__":
    main()
