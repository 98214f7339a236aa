"""Connects to argv[1]:argv[2], writes argv[3] and a newline, and prints what happened:
ECHO:<line> when the line came back, CLOSED when the connection was closed or reset before any byte,
REFUSED when it could not connect, TIMEOUT when nothing happened for 10 s."""
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
print("ECHO:" + data.decode().strip() if data else "CLOSED")
