"""`streamlit run …` as the browser tests start it, plus a diagnosis of a server that does not stop.

On SIGUSR1 the server prints, between two marker lines, what its event loop still waits on: each connection uvicorn still
holds (its kind, the request it serves, the bytes still unsent), then every asyncio task with its stack. The
tests send it when a server is still running a minute after SIGTERM (conftest.StreamlitServer.stop): Python's own
thread dump shows only an idle event loop then. Test-only; the app never runs through this file.
"""

from __future__ import annotations

import asyncio
import gc
import signal
import sys

BEGIN, END = "=== smm: what the server waits on ===", "=== end ==="


def _connection(conn) -> str:
    """One line on a uvicorn connection protocol: kind, request, response state, unsent bytes."""
    parts = [type(conn).__name__]
    scope = getattr(getattr(conn, "cycle", None), "scope", None) or getattr(conn, "scope", None)
    if isinstance(scope, dict):
        parts.append(f"{scope.get('method', scope.get('type'))} {scope.get('path')}")
    cycle = getattr(conn, "cycle", None)
    if cycle is not None:
        parts.append(f"response started={getattr(cycle, 'response_started', '?')} "
                     f"complete={getattr(cycle, 'response_complete', '?')}")
    for name in ("handshake_complete", "close_sent", "disconnected"):
        if hasattr(conn, name):
            parts.append(f"{name}={getattr(conn, name)}")
    transport = getattr(conn, "transport", None)
    if transport is not None:
        try:
            parts.append(f"closing={transport.is_closing()} unsent={transport.get_write_buffer_size()} B")
        except Exception as e:  # noqa: BLE001 - a diagnosis must not fail
            parts.append(f"transport: {e!r}")
    return " · ".join(parts)


def _report(signum, frame) -> None:  # noqa: ARG001
    out = sys.stdout
    print(BEGIN, file=out)
    try:
        import uvicorn

        for server in (o for o in gc.get_objects() if isinstance(o, uvicorn.Server)):
            state = server.server_state
            print(f"uvicorn: should_exit={server.should_exit} force_exit={server.force_exit} "
                  f"connections={len(state.connections)} tasks={len(state.tasks)}", file=out)
            for conn in list(state.connections):
                print("  " + _connection(conn), file=out)
    except Exception as e:  # noqa: BLE001
        print(f"uvicorn state: {e!r}", file=out)
    try:
        tasks = asyncio.all_tasks(asyncio.get_running_loop())
    except RuntimeError:
        tasks = set()
        print("no running event loop", file=out)
    for task in tasks:
        print(f"task {task.get_name()}: {task!r}"[:600], file=out)
        task.print_stack(limit=8, file=out)
    print(END, file=out, flush=True)


if __name__ == "__main__":
    sys.path.pop(0)                     # this folder: the app must import what `streamlit run` would
    signal.signal(signal.SIGUSR1, _report)
    from streamlit.web.cli import main

    sys.argv = ["streamlit", *sys.argv[1:]]
    sys.exit(main())
