#!/usr/bin/env python3
"""Holds N idle mTLS connections open against a proxy, so bench/run can read the proxy's memory per connection.

Each connection does a full handshake with the agent certificate; with --after request (the default) it then does
one keep-alive GET /version, which proves the proxy accepted the certificate; with --after handshake it sends
nothing, and a second later every connection is checked to be still open (with TLS 1.3 a server rejects a client
certificate only after the client's side of the handshake is done). Then the connections stay open and idle.
Prints "held N" once all are open and checked (with --after request also the median time from the end of the
handshake to the end of the first response), then waits for SIGTERM or SIGINT.

Sockets have TCP_NODELAY set, as curl's do; --no-nodelay leaves Nagle's algorithm on, as many simple clients do.
Exit status: 0 after a signal, 1 when a connection fails (the message names which one and why).
"""
import argparse
import resource
import signal
import socket
import ssl
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--cacert", required=True, help="what the agent trusts (agent-ca.pem)")
    parser.add_argument("--cert", required=True, help="agent certificate chain (agent-cert.pem)")
    parser.add_argument("--key", required=True, help="agent private key (agent-key.pem)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--server-name", default="localhost")
    parser.add_argument("--after", choices=("request", "handshake"), default="request",
                        help="what each connection does before it idles")
    parser.add_argument("--no-nodelay", dest="nodelay", action="store_false",
                        help="leave Nagle's algorithm on (default: TCP_NODELAY, like curl)")
    args = parser.parse_args()

    raise_fd_limit(args.count + 64)
    context = ssl.create_default_context(cafile=args.cacert)
    context.load_cert_chain(args.cert, args.key)
    # Like curl --no-sessionid: every connection does a full handshake.
    held, first_request_s = [], []
    for index in range(args.count):
        try:
            tls, seconds = open_one(context, args)
            held.append(tls)
            first_request_s.append(seconds)
        except (OSError, ssl.SSLError, ValueError) as e:
            sys.exit(f"hold-connections: connection {index + 1} of {args.count} to {args.host}:{args.port} "
                     f"failed: {e} (expected: mTLS handshake and HTTP 200 for GET /version)")
    if args.after == "handshake":
        time.sleep(1)
        closed = sum(1 for tls in held if not still_open(tls))
        if closed:
            sys.exit(f"hold-connections: {closed} of {args.count} connections to {args.host}:{args.port} were "
                     f"closed by the server after the handshake (expected: all open; is the client certificate "
                     f"accepted?)")
    report = f"held {len(held)}"
    if args.after == "request":
        report += f" first_request_ms_p50 {1000 * sorted(first_request_s)[len(first_request_s) // 2]:.2f}"
    print(report, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    while True:
        signal.pause()


def raise_fd_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            sys.exit(f"hold-connections: open files limit is {hard} (expected: at least {needed}; "
                     f"raise it with ulimit -n or use fewer connections)")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def open_one(context, args):
    raw = socket.create_connection((args.host, args.port), timeout=30)
    if args.nodelay:
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    tls = context.wrap_socket(raw, server_hostname=args.server_name)
    if args.after == "handshake":
        return tls, None
    start = time.perf_counter()
    tls.sendall(f"GET /version HTTP/1.1\r\nHost: {args.server_name}:{args.port}\r\n\r\n".encode("ascii"))
    status = read_response(tls)
    if status != 200:
        raise ValueError(f"HTTP status {status}")
    return tls, time.perf_counter() - start


def still_open(tls):
    """True when nothing but TLS 1.3 session tickets arrived: no alert, no close."""
    tls.setblocking(False)
    try:
        return tls.recv(1) != b""
    except ssl.SSLWantReadError:
        return True
    except (ssl.SSLError, OSError):
        return False
    finally:
        tls.setblocking(True)


def read_response(tls):
    """Reads one response (Content-Length or chunked body) so the connection is idle afterwards."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = tls.recv(16384)
        if not chunk:
            raise ValueError("connection closed before the response headers")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)}
    if "content-length" in headers:
        remaining = int(headers["content-length"]) - len(body)
        while remaining > 0:
            chunk = tls.recv(remaining)
            if not chunk:
                raise ValueError("connection closed in the response body")
            remaining -= len(chunk)
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while not body.endswith(b"0\r\n\r\n"):
            chunk = tls.recv(16384)
            if not chunk:
                raise ValueError("connection closed in the chunked response body")
            body += chunk
    return status


if __name__ == "__main__":
    main()
