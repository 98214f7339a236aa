"""Connects to argv[1]:argv[2], writes argv[3] and a newline, and prints what happened:
ECHO:<line> when the line came back, CLOSED when the connection was closed or reset before any byte,
REFUSED when it could not connect, TIMEOUT when nothing happened for 10 s. With argv[4] = hold, after
the echo it waits for the connection to be closed."""
import socket
import sys

try:
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), 5)
except OSError:
    print("REFUSED")
    sys.exit(0)
s.settimeout(10)
try:
    s.sendall(sys.argv[3].encode() + b"\n")
    data = s.recv(4096)
except socket.timeout:
    print("TIMEOUT")
    sys.exit(0)
except OSError:
    print("CLOSED")
    sys.exit(0)
print("ECHO:" + data.decode().strip() if data else "CLOSED", flush=True)
if len(sys.argv) > 4 and sys.argv[4] == "hold" and data:
    # Keep the connection open until the other side closes it (up to 60 s): prints CLOSED then, or
    # DATA if bytes arrive instead, or STILL-OPEN.
    s.settimeout(60)
    try:
        more = s.recv(4096)
        print("DATA" if more else "CLOSED")
    except socket.timeout:
        print("STILL-OPEN")
    except OSError:
        print("CLOSED")
