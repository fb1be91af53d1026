"""A second process for the store fault tests (run as a script, never imported by pytest as a test).

    python tests/store_child.py hold STORE
        open the store, print "ready", then serve one command per stdin line:
        "load FILE" → prints the report as JSON; "count" → prints fact rows; "quit".
    python tests/store_child.py load STORE [--no-checkpoint] [--kill] [--fsize BYTES] [--checkpoint-first] FILE...
        load the files (JSON report per line). --no-checkpoint keeps every commit in the write-ahead log;
        --kill ends with SIGKILL (no clean shutdown); --fsize sets RLIMIT_FSIZE (a full disk for files
        growing beyond BYTES) after the first file, which is loaded and checkpointed without the limit.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sys
from pathlib import Path

from smm import store
from smm.ingest import LoadOptions, ingest_file


def _report(r) -> str:
    return json.dumps({"status": r.status, "batch_id": r.batch_id, "rows_loaded": r.rows_loaded,
                       "codes": [e.get("code") for e in r.errors]}, default=str)


def hold(path: str) -> None:
    con = store.connect(path)
    print("ready", flush=True)
    for line in sys.stdin:
        cmd, _, arg = line.strip().partition(" ")
        if cmd == "load":
            print(_report(ingest_file(con, arg, LoadOptions())), flush=True)
        elif cmd == "count":
            print(con.execute("SELECT count(*) FROM fact").fetchall()[0][0], flush=True)
        elif cmd == "quit":
            break
    con.close()


def load(args) -> None:
    con = store.connect(args.store)
    if args.no_checkpoint:
        con.execute("PRAGMA disable_checkpoint_on_shutdown")
        con.execute("SET wal_autocheckpoint = '1GB'")
    for i, f in enumerate(args.files):
        if i == 1 and args.fsize:
            con.execute("CHECKPOINT")
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
            limit = Path(args.store).stat().st_size + args.fsize
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
        try:
            print(_report(ingest_file(con, f, LoadOptions())), flush=True)
        except Exception as e:  # noqa: BLE001 - the parent asserts there is none
            print(json.dumps({"exception": f"{type(e).__name__}: {e}"}), flush=True)
        if i == 0 and args.checkpoint_first:
            con.execute("CHECKPOINT")
    if args.kill:
        os.kill(os.getpid(), signal.SIGKILL)
    try:
        con.close()
    except Exception as e:  # noqa: BLE001
        print(json.dumps({"close_exception": f"{type(e).__name__}: {e}"}), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    h = sub.add_parser("hold")
    h.add_argument("store")
    ld = sub.add_parser("load")
    ld.add_argument("store")
    ld.add_argument("files", nargs="+")
    ld.add_argument("--no-checkpoint", action="store_true")
    ld.add_argument("--checkpoint-first", action="store_true")
    ld.add_argument("--kill", action="store_true")
    ld.add_argument("--fsize", type=int, default=0)
    args = ap.parse_args()
    hold(args.store) if args.cmd == "hold" else load(args)


if __name__ == "__main__":
    main()
