"""The scenarios' server workload: HTTP 200 on 8080 and 9090, a line echo on 7000 (client speaks first).

Every request and every accepted echo connection is appended to the file named by argv[1], so a test
can tell whether a denied call reached the app at all.
"""
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HITS = sys.argv[1]
LOCK = threading.Lock()


def hit(line):
    with LOCK, open(HITS, "a") as f:
        f.write(line + "\n")


class App(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self):
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        hit("http %d %s %s" % (self.server.server_port, self.command, self.path))
        body = b"ok\n"
        self.send_response(200)
        self.send_header("content-type", "text/plain")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = answer

    def log_message(self, *args):
        pass


def echo(conn):
    hit("tcp 7000")
    with conn:
        while True:
            data = conn.recv(4096)
            if not data:
                return
            conn.sendall(data)


for port in (8080, 9090):
    threading.Thread(target=ThreadingHTTPServer(("0.0.0.0", port), App).serve_forever, daemon=True).start()
server = socket.create_server(("0.0.0.0", 7000))
while True:
    connection, _ = server.accept()
    threading.Thread(target=echo, args=(connection,), daemon=True).start()
