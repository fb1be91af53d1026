"""Command line: `smm ingest | totals | sample | formats | history | kpis` (also `python -m smm`)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from smm import store


def _date(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str))


def _flush_stdout() -> None:
    """Write out what stdout holds. Piped (`2>&1 | tee load.log`, a cron mail), Python holds stdout back and not
    stderr, so a problem printed next would land above the lines it follows. A reader that has gone (`| head`)
    stops the output, not the work: the rest of stdout goes nowhere."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _say(line: str) -> None:
    """A line of stdout, written out now (see _flush_stdout)."""
    try:
        print(line)
    except BrokenPipeError:
        pass
    _flush_stdout()


def _warn(line: str) -> None:
    """A line of stderr, after every line of stdout before it."""
    _flush_stdout()
    print(line, file=sys.stderr)


def cmd_ingest(args: argparse.Namespace) -> int:
    from smm import i18n
    from smm.ingest import WARNING_NOTES, LoadOptions, ingest_file
    from smm.mapping import user_profiles

    con = store.connect(args.db)
    extra = user_profiles(con)
    rejected = 0
    for f in args.files:
        opts = LoadOptions(profile_id=args.profile, as_of=args.as_of,
                           period=(args.period_start, args.period_end) if args.period_start and args.period_end
                           else None,
                           on_invalid="load_valid" if args.load_valid else "reject", decimal=args.decimal)
        path = Path(f)
        if not path.is_file():
            rep = {"file": f, "status": "rejected", "profile": None, "platform": None, "rows_loaded": 0,
                   "rows_rejected": 0, "date_min": None, "date_max": None,
                   "errors": [{"row": None, "column": None, "message": f"{f}: no such file"}]}
            rejected += 1
            _print_json(rep) if args.json else _warn(f"{f}: no such file")
            continue
        r = ingest_file(con, path, opts, extra_profiles=extra)
        if r.status in ("rejected", "unrecognised"):
            rejected += 1
        if args.json:
            out = r.as_json()
            for o, e in zip(out["errors"], r.errors, strict=True):
                o["message"] = _error_message(e, r.file, args.lang)
            _print_json({**out, "file": f})
        else:
            _say(_report_text(r))
            for line in _problem_lines(r, args.lang):
                _warn("  " + line)
            for code, params in r.notes:
                if code in WARNING_NOTES:
                    _warn("  " + i18n.t(code, args.lang, **params))
    con.close()
    return 1 if rejected else 0


def _report_text(r) -> str:
    """One line per file: its status, then only the figures it has (no `None`)."""
    parts = [f"profile={r.profile}"] if r.profile else []
    if r.status == "already_loaded":
        parts.append(f"batch={r.batch_id}")
    else:
        parts += [f"rows_loaded={r.rows_loaded}", f"rows_rejected={r.rows_rejected}",
                  f"summary_rows={r.rows_summary}", f"rows_merged={r.rows_merged}"]
        if r.rows_superseded:
            parts.append(f"rows_replaced={r.rows_superseded}")
        if r.date_min and r.date_max:
            parts.append(f"dates={r.date_min}..{r.date_max}")
    return f"{r.file}: {r.status}" + "".join(" " + x for x in parts)


def _error_message(e: dict, file: str, lang: str) -> str:
    """A problem as a sentence naming file, row and column (the Data page's words, or the command line's own where
    those name a control of the page), in `lang`. A file of no known format keeps the ingest's own message, which
    says what to do from here (map it on the Data page, or --profile)."""
    from smm.i18n import error_text, has, t

    if e.get("code") == "unrecognised":
        return str(e.get("message"))
    # (where the Data page's words name its own controls, the command line's name its options)
    return t(key, lang, file=file) if has(key := f"cli.err.{e.get('code')}") else error_text(e, lang, file)


def _problem_lines(r, lang: str = "en", shown: int = 20) -> list[str]:
    """The rejected rows counted by column and reason, then the first problems and how many rows are not listed."""
    from smm import i18n

    why = i18n.reason_text      # the Data page's reason words
    lines = [f"{c['rows']:,} {'row' if c['rows'] == 1 else 'rows'}: column {c['column']!r}: {why(c['code'], lang)}"
             if i18n.normalize_lang(lang) == "en" else f"{c['rows']:,} 行：「{c['column']}」列：{why(c['code'], lang)}"
             for c in r.error_counts]
    lines += [_error_message(e, r.file, lang) for e in r.errors[:shown]]
    more = r.rows_not_listed(shown)
    if r.rows_rejected and more > 0:
        lines.append(f"... {more} more rejected rows (smm ingest --json lists the first {len(r.errors)} problems)")
    if r.status == "rejected" and r.rows_valid:
        lines.append(f"nothing loaded; {r.rows_valid:,} valid {'row' if r.rows_valid == 1 else 'rows'}: "
                     f"add --load-valid to load {'it' if r.rows_valid == 1 else 'them'} without the rejected ones"
                     if i18n.normalize_lang(lang) == "en" else
                     f"未载入任何数据；其中 {r.rows_valid:,} 行有效：加 --load-valid 只载入有效行")
    return lines


def cmd_totals(args: argparse.Namespace) -> int:
    from smm.queries import Filters, totals

    con = store.connect(args.db)
    f = Filters(start=args.start, end=args.end, platforms=tuple(args.platform or ()), currency=args.currency)
    out = totals(con, f)
    con.close()
    if args.json:
        _print_json(out)
        return 0
    for line in _totals_lines(out, args):
        print(line)
    if out["missing_fx"]:
        _warn(f"warning: no exchange rate to {out['currency']} for {', '.join(out['missing_fx'])}; their rows are "
              "left out of the totals above (set one on the Data page)")
    return 0


def _totals_lines(out: dict, args: argparse.Namespace) -> list[str]:
    """`smm totals` for a person: what was summed, each metric with thousands separators (money to the cent, counts
    whole, `-` for none), then spend and revenue in each original currency."""
    from smm.schema import METRICS, MONEY_METRICS

    def num(v, money: bool) -> str:
        return "-" if v is None else f"{v:,.2f}" if money else f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"

    span = f"{args.start or '…'} to {args.end or '…'}" if args.start or args.end else "all dates"
    lines = [f"totals in {out['currency']} · {out['rows']:,} rows · {', '.join(args.platform or ['all platforms'])} "
             f"· {span}"]
    w = max(map(len, METRICS))
    lines += [f"  {m:<{w}}  {num(out[m], m in MONEY_METRICS):>20}" for m in METRICS]
    money = {c: v for c, v in out["by_currency"].items() if v["spend"] is not None or v["revenue"] is not None}
    if money:
        lines.append("in each original currency:")
        lines += [f"  {c or '?':<4} spend {num(v['spend'], True):>18}  revenue {num(v['revenue'], True):>18}"
                  for c, v in money.items()]
    return lines


def cmd_sample(args: argparse.Namespace) -> int:
    from smm.sample import load_sample

    con = store.connect(args.db)
    reports = load_sample(con)
    con.close()
    bad = [r for r in reports if r.status not in ("loaded", "already_loaded")]
    for r in reports:
        print(f"{r.file}: {r.status} rows_loaded={r.rows_loaded}")
    return 1 if bad else 0


def cmd_formats(args: argparse.Namespace) -> int:
    """List the export formats (built in, then saved in the Data page's mapping step), or delete a saved one."""
    from smm.mapping import delete_user_profile, saved_formats
    from smm.profiles import builtin_profiles

    con = store.connect(args.db)
    try:
        if args.delete:
            if any(p.id == args.delete for p in builtin_profiles()):
                print(f"{args.delete}: a built-in format cannot be deleted", file=sys.stderr)
                return 1
            gone = delete_user_profile(con, args.delete, with_batches=args.with_batches)
            if gone is None:
                print(f"{args.delete}: no saved format of that id (smm formats lists them)", file=sys.stderr)
                return 1
            out = {"deleted": args.delete, "batches_deleted": gone}
            _print_json(out) if args.json else print(
                f"{args.delete}: deleted" + (f", with {gone} batches" if args.with_batches else ""))
            return 0
        rows = [{"id": p.id, "name": p.label(args.lang), "platform": p.platform, "kind": p.kind, "saved": True,
                 "saved_at": at, "files": n, "columns": {f: list(h) for f, h in p.columns.items()}}
                for p, at, n in saved_formats(con)]
        rows += [{"id": p.id, "name": p.label(args.lang), "platform": p.platform, "kind": p.kind, "saved": False}
                 for p in sorted(builtin_profiles(), key=lambda p: p.id)]
    finally:
        con.close()
    if args.json:
        for r in rows:
            _print_json(r)
        return 0
    w = max(len(r["id"]) for r in rows)
    for r in rows:
        extra = f"  (saved {r['saved_at']:%Y-%m-%d %H:%M}, {r['files']} files loaded)" if r["saved"] else ""
        print(f"{r['id']:<{w}}  {r['kind']:<11} {r['platform'] or '-':<11} {r['name']}{extra}")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """The load history (the Data page's), newest first, or delete one loaded batch with exactly its rows."""
    from smm import i18n, queries
    from smm.ingest import delete_batch
    from smm.mapping import user_profiles
    from smm.profiles import builtin_profiles

    L = args.lang
    con = store.connect(args.db)
    try:
        if args.delete is not None:
            hist = queries.batches(con).set_index("batch_id")
            if args.delete not in hist.index or hist.loc[args.delete, "status"] != "loaded":
                print(f"#{args.delete}: no loaded batch of that id (smm history lists them)", file=sys.stderr)
                return 1
            row = hist.loc[args.delete]
            delete_batch(con, args.delete)
            out = {"deleted": args.delete, "file": row["file_name"], "rows": int(row["rows_loaded"])}
            _print_json(out) if args.json else print(i18n.t("data.deleted", L, batch=args.delete,
                                                           file=row["file_name"], rows=f"{out['rows']:,}"))
            return 0
        hist = queries.batches(con)
        shown = queries.format_names(hist, {p.id: p.label(L) for p in (*builtin_profiles(), *user_profiles(con))})
    finally:
        con.close()
    rows = [{"batch_id": int(b.batch_id), "file": b.file_name, "status": b.status, "kind": b.kind,
             "profile": b.profile, "profile_name": name,
             "platforms": b.platform.split(",") if isinstance(b.platform, str) and b.platform else [],
             "rows_loaded": int(b.rows_loaded), "rows_rejected": int(b.rows_rejected),
             "rows_summary": int(b.rows_summary), "date_min": _day(b.date_min), "date_max": _day(b.date_max),
             "loaded_at": b.loaded_at.to_pydatetime().isoformat(timespec="seconds"), "sample": bool(b.is_sample)}
            for b, name in zip(hist.itertuples(index=False), shown, strict=True)]
    if args.json:
        for r in rows:
            _print_json(r)
        return 0
    if not rows:
        print(i18n.t("data.no_history", L))
        return 0
    w = max(len(str(r["batch_id"])) for r in rows) + 1
    for r in rows:
        parts = [r["file"], r["profile_name"],
                 i18n.platform_listing(r["platforms"], L) if r["platforms"] else "-",
                 i18n.t("history.rows", L, rows=f"{r['rows_loaded']:,}"),
                 f"{r['date_min']} – {r['date_max']}" if r["date_min"] else "-"]
        if r["rows_rejected"]:
            parts.insert(4, i18n.t("history.rejected", L, n=f"{r['rows_rejected']:,}"))
        print(f"{'#' + str(r['batch_id']):>{w}}  {r['loaded_at'][:16].replace('T', ' ')}  "
              f"{i18n.t('status.' + r['status'], L)}  " + "  ·  ".join(parts))
    return 0


def _day(v) -> str | None:
    """A history date as ISO text, or None (pandas gives NaT for a missing one)."""
    import pandas as pd

    return None if v is None or pd.isna(v) else pd.Timestamp(v).date().isoformat()


def cmd_kpis(args: argparse.Namespace) -> int:
    """Every registry metric for the filters and its comparison period (the Overview's own function)."""
    from smm import fmt, overview
    from smm.metrics import REGISTRY, Settings
    from smm.queries import Filters

    con = store.connect(args.db)
    f = Filters(start=args.start, end=args.end or args.start, platforms=tuple(args.platform or ()),
                currency=args.currency.upper())
    s = Settings(er_base=args.er_base, cvr_base=args.cvr_base, roi_basis=args.roi_basis)
    k = overview.kpis(con, f, s, args.compare)
    missing = overview.missing_fx(con, k.filters)
    con.close()
    if args.json:
        _print_json({**k.as_json(), "missing_fx": missing})
        return 0
    L = args.lang
    print(overview.period_caption(k, L))
    print(overview.settings_caption(s, L))
    if missing:
        _warn(f"warning: no exchange rate for {', '.join(missing)}; their money is left out")
    w = max(len(overview.label(m, L)) for m in REGISTRY.values())
    for mid, m in REGISTRY.items():
        d = k.metrics[mid]
        delta = overview.delta_text(m, d, L) if k.previous_period else None
        print(f"{overview.label(m, L):<{w}}  {fmt.by_unit(d['value'], m.unit, k.currency, L):>14}  "
              f"{fmt.by_unit(d['previous'], m.unit, k.currency, L):>14}  {delta or fmt.DASH}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="smm", description="smm: load platform exports and compute marketing metrics")
    sub = ap.add_subparsers(dest="cmd", required=True)

    p = sub.add_parser("ingest", help="load export files into the store")
    p.add_argument("files", nargs="+")
    p.add_argument("--db", help="store path (default: $SMM_DB or the user data directory)")
    p.add_argument("--profile", help="force an export format (profile id) instead of detecting it")
    p.add_argument("--as-of", type=_date, help="snapshot date for cumulative exports / date of undated files")
    p.add_argument("--period-start", type=_date, help="start of the period an undated file covers")
    p.add_argument("--period-end", type=_date, help="end of the period an undated file covers")
    p.add_argument("--load-valid", action="store_true", help="load the valid rows when some are invalid")
    p.add_argument("--decimal", choices=[".", ","], default=".", help="decimal mark of the file's numbers")
    p.add_argument("--lang", choices=("zh", "en"), default="en", help="language of the problems' messages")
    p.add_argument("--json", action="store_true", help="one JSON object per file")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("totals", help="sums of every canonical metric")
    p.add_argument("--db")
    p.add_argument("--platform", action="append")
    p.add_argument("--start", type=_date)
    p.add_argument("--end", type=_date)
    p.add_argument("--currency", default="CNY", help="reporting currency (default CNY)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_totals)

    p = sub.add_parser("sample", help="load the bundled sample data")
    p.add_argument("--db")
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("formats", help="list the export formats, or delete one saved in the mapping step",
                       description="Every export format: those saved in the Data page's mapping step first (with "
                                   "the files loaded with each), then the built-in ones. An id is what "
                                   "`smm ingest --profile` takes.")
    p.add_argument("--db", help="store path (default: $SMM_DB or the user data directory)")
    p.add_argument("--delete", metavar="ID", help="delete this saved format (the files it loaded stay loaded)")
    p.add_argument("--with-batches", action="store_true",
                   help="with --delete: delete the batches loaded with it too (their rows go)")
    p.add_argument("--lang", choices=("zh", "en"), default="en", help="language of the formats' names")
    p.add_argument("--json", action="store_true", help="one JSON object per format")
    p.set_defaults(func=cmd_formats)

    p = sub.add_parser("history", help="list the loaded files (the load history), or delete one batch",
                       description="Every file loaded into the store, newest first: batch id, when, status, file, "
                                   "format, platforms, rows and dates. --delete removes exactly that batch's rows; "
                                   "rows it had replaced count again.")
    p.add_argument("--db", help="store path (default: $SMM_DB or the user data directory)")
    p.add_argument("--delete", type=int, metavar="BATCH", help="delete this loaded batch (its rows go)")
    p.add_argument("--lang", choices=("zh", "en"), default="en", help="language of the text output")
    p.add_argument("--json", action="store_true", help="one JSON object per batch")
    p.set_defaults(func=cmd_history)

    from smm.periods import COMPARE_MODES
    from smm.schema import CVR_BASES, ER_BASES, ROI_BASES

    p = sub.add_parser("kpis", help="every registry metric with its comparison period (the Overview's numbers)",
                       description="Every registry metric for the filters, the comparison period's value and the "
                                   "relative change. Without --start/--end: the last complete week of the data that "
                                   "holds any. Undefined values (division by zero) are null in --json.")
    p.add_argument("--db", help="store path (default: $SMM_DB or the user data directory)")
    p.add_argument("--start", type=_date, help="first day (default: Monday of the last complete week)")
    p.add_argument("--end", type=_date, help="last day (default: that week's Sunday)")
    p.add_argument("--platform", action="append", help="platform id; repeat for several (default: all)")
    p.add_argument("--compare", choices=COMPARE_MODES, default="previous",
                   help="previous period of the same length, the same dates last year, or none")
    p.add_argument("--currency", default="CNY", help="reporting currency (default CNY)")
    p.add_argument("--er-base", choices=ER_BASES, default=ER_BASES[0], help="ER denominator")
    p.add_argument("--cvr-base", choices=CVR_BASES, default=CVR_BASES[0], help="CVR denominator")
    p.add_argument("--roi-basis", choices=ROI_BASES, default=ROI_BASES[0],
                   help="ROI cost: full (paid + KOL + content + staff + other) or paid spend only")
    p.add_argument("--lang", choices=("zh", "en"), default="en", help="language of the text output")
    p.add_argument("--json", action="store_true",
                   help='one object {"start","end","currency","metrics":{ID:{"value","previous","delta_pct"}}}')
    p.set_defaults(func=cmd_kpis)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from smm.errors import StoreBusyError, StoreDamagedError, StoreUnavailableError

    try:
        code = args.func(args)
        sys.stdout.flush()              # here, where a closed pipe is caught, not at exit
    except BrokenPipeError:             # `smm totals | head`: the reader has gone; nothing is left to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except StoreBusyError as e:
        print(f"smm: the store {e} is in use by another process (close the app or script holding it)",
              file=sys.stderr)
        return 2
    except StoreUnavailableError as e:
        print(f"smm: the store {e.path} cannot be written ({e.reason}); check that its folder is writable and "
              "the disk has space. Nothing was changed.", file=sys.stderr)
        return 2
    except StoreDamagedError as e:
        print(f"smm: the store {e.path} is damaged and cannot be opened ({e.reason}). It was not changed. Move it "
              "(and its .wal file) aside or restore a backup; a new store is created where none exists, and the "
              "exports can be loaded again with `smm ingest`.", file=sys.stderr)
        return 2
    for aside in store.set_aside_wals(getattr(args, "db", None)):
        print(f"smm: warning: a damaged write-ahead log was set aside as {aside}; the loads it held are not in "
              "the store (check the load history and reload those files)", file=sys.stderr)
    return code
