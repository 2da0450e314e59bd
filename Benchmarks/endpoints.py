#!/usr/bin/env python3
"""Endpoints for the expiry benchmark's probe run, all on 127.0.0.1.

usage: endpoints.py SILENT REFUSED

Opens SILENT listening sockets that never answer (the kernel completes the connection,
then nothing is said, as a firewall that swallows traffic or a hung service), picks
REFUSED ports where nothing listens, prints every port as "silent PORT" or "refused
PORT", one a line, then "ready", and keeps the sockets open until stdin closes.
"""
import socket
import sys


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    silent, refused = int(sys.argv[1]), int(sys.argv[2])
    held = []
    for _ in range(silent):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(64)
        held.append(s)
        print("silent", s.getsockname()[1])
    for _ in range(refused):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        print("refused", s.getsockname()[1])
        s.close()
    print("ready", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
