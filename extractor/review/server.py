"""Serve the review app with uvicorn on a socket bound here, so a busy port is reported before
anything starts and port 0 (any free port) tells its real number."""
from __future__ import annotations

import socket
from collections.abc import Callable

import uvicorn
from starlette.applications import Starlette


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on (host, port); raises OSError (address in use, unknown host)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                         flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(app: Starlette, sock: socket.socket, *, ready: Callable[[str], None] = lambda url: None) -> None:
    """Answer requests on `sock` until interrupted (Ctrl-C or SIGTERM); `ready` is told the URL."""
    # log_config=None: uvicorn leaves logging alone; its warnings and errors still reach stderr
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off", server_header=False)
    server = uvicorn.Server(config)
    ready(url_of(sock))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # uvicorn shuts down gracefully, then raises Ctrl-C again: for this server it is the normal end
    finally:
        sock.close()
