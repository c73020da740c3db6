#!/usr/bin/env python3
"""The chat server's end-to-end test: drives a running server over HTTP as two users would,
then SIGTERMs it while requests wait on a table lock and checks they all complete and the
process exits 0.

    e2e.py SERVER_PID BASE_URL ADMIN_DATABASE_URL

The server must serve BASE_URL against a database set up by `dbctl setup --app-user`, and
ADMIN_DATABASE_URL must name the same database as its owner (for the lock). Standard library
only; prints `N passed, 0 failed` at the end, or the first failure and exits 1.
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

pid, base, admin_url = int(sys.argv[1]), sys.argv[2].rstrip("/"), sys.argv[3]
checks = 0


def request(method, path, body=None, user=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if user:
        req.add_header("X-User-Id", user)
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            text = response.read().decode()
            return response.status, (json.loads(text) if text and response.headers.get_content_type() == "application/json" else text)
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, text


def check(condition, what, detail=""):
    global checks
    if not condition:
        print(f"e2e: FAILED: {what} {detail}", file=sys.stderr)
        sys.exit(1)
    checks += 1


def expect(status, expected, what, body=None):
    check(status == expected, what, f"(status {status}, expected {expected}: {body})")
    if isinstance(body, dict) and "error" in body:
        message = json.dumps(body)
        check("SELECT" not in message and "INSERT" not in message and "SQLSTATE" not in message, f"{what}: no SQL in the error", message)


# Health and users.
status, body = request("GET", "/health")
expect(status, 200, "health", body)
check(body["status"] == "ok" and body["pool"]["open"] >= 1, "health shows the pool", body)
suffix = uuid.uuid4().hex[:8]
status, ada = request("POST", "/users", {"email": f"ada-{suffix}@example.com", "name": "Ada"})
expect(status, 201, "create ada", ada)
status, alan = request("POST", "/users", {"email": f"alan-{suffix}@example.com", "name": "Alan"})
expect(status, 201, "create alan", alan)
status, body = request("POST", "/users", {"email": f"ada-{suffix}@example.com", "name": "Ada"})
expect(status, 409, "duplicate email", body)
status, body = request("POST", "/users", {"email": "not an email", "name": "Nobody"})
expect(status, 422, "invalid email", body)
status, body = request("POST", "/users", raw=b"{not json")
expect(status, 400, "malformed JSON", body)
A, B = ada["id"], alan["id"]
status, body = request("GET", "/me", user=A)
expect(status, 200, "me", body)
check(body["email"] == ada["email"], "me is ada", body)
status, body = request("GET", "/me")
expect(status, 401, "no caller", body)

# Sessions.
status, session = request("POST", "/sessions", {"title": "Notes on engines"}, user=A)
expect(status, 201, "create session", session)
S = session["id"]
status, body = request("GET", "/sessions", user=A)
expect(status, 200, "list sessions")
check([s["id"] for s in body["items"]] == [S], "ada sees her session", body)
status, body = request("GET", "/sessions", user=B)
check(status == 200 and body["items"] == [], "alan sees no sessions", body)

# Messages: create, validate, page with cursors, search.
for text in ["The analytical engine weaves algebraic patterns", "Punched cards hold the program", "Bernoulli numbers, computed"]:
    status, body = request("POST", f"/sessions/{S}/messages", {"content": text, "role": "user"}, user=A)
    expect(status, 201, "create message", body)
status, body = request("POST", f"/sessions/{S}/messages", {"content": "x" * 100_001, "role": "user"}, user=A)
expect(status, 422, "content too long", body)
check("100000" in body["error"]["message"], "content too long names the limit", body)
status, body = request("POST", f"/sessions/{uuid.uuid4()}/messages", {"content": "hello", "role": "user"}, user=A)
expect(status, 404, "unknown session", body)
status, body = request("POST", f"/sessions/{S}/messages", {"content": "hijack", "role": "user"}, user=B)
expect(status, 404, "alan cannot post in ada's session", body)
status, body = request("POST", f"/sessions/{S}/messages", {"content": "hello", "role": "wizard"}, user=A)
expect(status, 400, "unknown role", body)
status, page1 = request("GET", f"/sessions/{S}/messages?limit=2", user=A)
expect(status, 200, "page 1", page1)
check(len(page1["items"]) == 2 and page1.get("nextCursor"), "page 1 has two and a cursor", page1)
status, page2 = request("GET", f"/sessions/{S}/messages?limit=2&after={urllib.parse.quote(page1['nextCursor'])}", user=A)
expect(status, 200, "page 2", page2)
check(len(page2["items"]) == 1 and page2.get("nextCursor") is None, "page 2 has the last one", page2)
check({m["id"] for m in page1["items"]}.isdisjoint(m["id"] for m in page2["items"]), "pages do not overlap")
status, body = request("GET", f"/sessions/{S}/messages?after=garbage", user=A)
expect(status, 400, "bad cursor", body)
status, body = request("GET", f"/sessions/{S}/messages", user=B)
expect(status, 404, "alan cannot read ada's messages", body)
status, hits = request("GET", "/search?q=engine", user=A)
expect(status, 200, "search", hits)
check(len(hits) == 1 and "analytical" in hits[0]["message"]["content"], "search finds the message", hits)
status, hits = request("GET", "/search?q=engine", user=B)
check(status == 200 and hits == [], "alan's search finds nothing of ada's", hits)

# Character files.
status, body = request("PUT", f"/sessions/{S}/character-file", {"name": "Ada", "traits": ["curious"]}, user=A)
expect(status, 200, "upsert character file", body)
status, body = request("PUT", f"/sessions/{S}/character-file", {"name": "Ada", "traits": ["curious", "precise"]}, user=A)
expect(status, 200, "upsert again", body)
status, body = request("GET", f"/sessions/{S}/character-file", user=A)
expect(status, 200, "get character file", body)
check(body["content"]["traits"] == ["curious", "precise"], "the second upsert won", body)
status, body = request("GET", f"/sessions/{S}/character-file", user=B)
expect(status, 404, "alan cannot read ada's character file", body)

# Memories.
embedding = [0.0] * 384
embedding[7] = 1.0
status, memory = request("POST", "/memories", {"content": "likes engines", "embedding": embedding, "sessionId": S}, user=A)
expect(status, 201, "create memory", memory)
status, body = request("POST", "/memories", {"content": "bad", "embedding": [1.0, 2.0, 3.0]}, user=A)
expect(status, 422, "wrong embedding size", body)
check("384" in body["error"]["message"], "the error names the size", body)
status, hits = request("POST", "/memories/search", {"embedding": embedding, "limit": 3}, user=A)
expect(status, 200, "similar memories", hits)
check(len(hits) == 1 and hits[0]["id"] == memory["id"] and abs(hits[0]["similarity"] - 1) < 1e-6, "the memory is found", hits)
status, hits = request("POST", "/memories/search", {"embedding": embedding}, user=B)
check(status == 200 and hits == [], "alan finds none of ada's memories", hits)

# Specializations.
name = f"poet-{suffix}"
status, body = request("POST", "/specializations", {"name": name, "modelPath": "models/poet.gguf"}, user=A)
expect(status, 201, "create specialization", body)
status, body = request("POST", "/specializations", {"name": name, "modelPath": "models/poet.gguf"}, user=A)
expect(status, 409, "duplicate specialization", body)
status, body = request("GET", "/specializations?limit=100", user=B)
check(status == 200 and name in [s["name"] for s in body["items"]], "specializations are shared", body)

# Deleting a session: only its owner can.
status, doomed = request("POST", "/sessions", {"title": "Scratch"}, user=A)
expect(status, 201, "create a second session", doomed)
status, body = request("DELETE", f"/sessions/{doomed['id']}", user=B)
expect(status, 404, "alan cannot delete ada's session", body)
status, body = request("DELETE", f"/sessions/{doomed['id']}", user=A)
expect(status, 204, "ada deletes it", body)
status, body = request("GET", f"/sessions/{doomed['id']}/messages", user=A)
expect(status, 404, "a deleted session is gone", body)

# Metrics show the pool and the statements.
status, text = request("GET", "/metrics")
expect(status, 200, "metrics")
check('pgkit_pool_connections{pool="primary",state="open"}' in text, "metrics show the pool", text[:2000])
check("pgkit_statement_duration" in text and 'operation="INSERT"' in text, "metrics show statements by operation")
check("pgkit_pool_acquire_duration" in text, "metrics show acquire waits")

# SIGTERM while requests are in flight: they wait on a lock, the server is told to stop, the
# lock goes away, and every one of them completes.
locker = subprocess.Popen(["psql", "-qAt", "-v", "ON_ERROR_STOP=1", admin_url], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
locker.stdin.write("BEGIN; LOCK TABLE messages IN ACCESS EXCLUSIVE MODE; SELECT 'locked';\n")
locker.stdin.flush()
check(locker.stdout.readline().strip() == "locked", "the admin session holds the lock")
results = []
def post(i):
    results.append(request("POST", f"/sessions/{S}/messages", {"content": f"in flight {i}", "role": "user"}, user=A)[0])
workers = [threading.Thread(target=post, args=(i,)) for i in range(4)]
for worker in workers:
    worker.start()
# Wait until all four wait for the lock on the server.
probe = ["psql", "-qAt", admin_url, "-c", "SELECT count(*) FROM pg_locks WHERE relation = 'messages'::regclass AND NOT granted"]
for _ in range(500):
    if subprocess.run(probe, capture_output=True, text=True).stdout.strip() == "4":
        break
    time.sleep(0.02)
check(subprocess.run(probe, capture_output=True, text=True).stdout.strip() == "4", "four requests wait on the lock")
os.kill(pid, signal.SIGTERM)
time.sleep(1)
try:
    os.kill(pid, 0)
    alive = True
except ProcessLookupError:
    alive = False
check(alive, "the server waits for its in-flight requests")
locker.stdin.write("COMMIT;\n")
locker.stdin.close()
locker.wait(timeout=30)
for worker in workers:
    worker.join(timeout=60)
check(results == [201, 201, 201, 201], "every in-flight request completed", results)
print(f"{checks} passed, 0 failed")
