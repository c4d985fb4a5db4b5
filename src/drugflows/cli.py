"""The ``drugflows`` command: ``render`` the report catalog, ``data build|list``."""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import unicodedata
from pathlib import Path

from drugflows import paths


def _positive_int(text: str) -> int:
    """A positive whole number written in ASCII digits (``int`` also takes ``1_0`` and other scripts')."""
    if not re.fullmatch(r"[0-9]+", text.strip()):
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {text!r}")
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {text!r}")
    return value


def _positive_seconds(text: str) -> float:
    try:
        if not re.fullmatch(r"[0-9]+(\.[0-9]*)?|\.[0-9]+", text.strip()):
            raise ValueError(text)
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, got {text!r}")
    return value


def _render(args: argparse.Namespace) -> int:
    from drugflows.render import runner

    try:
        return _render_reports(args)
    except OSError as exc:  # anything the runner's own checks did not foresee: path and problem
        raise runner.RenderError(f"{exc.filename or args.output}: {runner.describe(exc)}") from None


def _render_reports(args: argparse.Namespace) -> int:
    from drugflows.render import catalog, forkserver, runner, workers

    if problem := forkserver.temp_dir_problem():
        raise runner.RenderError(problem)

    whole = catalog.load_catalog(args.catalog)
    if args.parameter and not args.notebook:
        raise catalog.CatalogError("drugflows render: -p sets a parameter of a NOTEBOOK; name the notebook")
    if args.notebook:
        specs = _one_report(args, whole)
    else:
        specs = catalog.select(whole, args.only) if args.only else whole
    with _dask_executor(args.dask, args.dask_timeout) as executor:
        summary = runner.render_all(
            specs,
            catalog=whole,
            output_dir=args.output,
            # An explicit --jobs is capped with a note; the default (the cores) quietly.
            jobs=args.jobs or workers.effective_jobs(os.cpu_count() or 1),
            executor=executor,
            show_code=True if args.show_code else None,
            # Kernels are forked from a zygote in this process; Dask workers run elsewhere.
            fork_kernels=not args.no_fork_kernels and executor is None,
            force=args.force,
            front_page=catalog.load_front_page(args.catalog, whole),
            echo=lambda line: print(printable(line), flush=True),
        )
    if args.notebook:
        for result in summary.results:
            if result.html:
                print(printable(f"Report: {Path(args.output).absolute() / result.html}"))
    return 0 if summary.all_ok else 1


def _one_report(args: argparse.Namespace, whole: list) -> list:
    """``drugflows render NOTEBOOK -p name=value ...``: the one report, checked as the catalog's
    runs are (the catalog's run if one has these parameters; see ``catalog.spec_for``)."""
    from drugflows.render import catalog

    if args.only:
        raise catalog.CatalogError("drugflows render: give a notebook or --only, not both")
    notebook_dir = whole[0].notebook_dir if whole else paths.NOTEBOOKS_DIR
    where = f"drugflows render {args.notebook}"
    if not catalog.is_identifier(args.notebook) or not (notebook_dir / f"{args.notebook}.ipynb").is_file():
        from drugflows.params import did_you_mean

        names = sorted(p.stem for p in notebook_dir.glob("*.ipynb"))
        raise catalog.CatalogError(
            f"{where}: no notebook {args.notebook!r}.{did_you_mean(args.notebook, names)} "
            f"Notebooks: {', '.join(names)}"
        )
    parameters = catalog.cli_parameters(args.parameter or [], notebook_dir / f"{args.notebook}.ipynb", where)
    return [catalog.spec_for(args.notebook, parameters, whole, args.catalog)]


@contextlib.contextmanager
def _dask_executor(address: str | None, timeout_s: float = 20.0):
    """A concurrent.futures executor on the Dask cluster at ``address`` (None: no executor); the
    connection is given up after ``timeout_s`` seconds."""
    if address is None:
        yield None
        return
    try:
        from distributed import Client
    except ImportError:
        raise SystemExit("drugflows render --dask needs the dask extra: pip install -e '.[dask]'") from None
    try:
        client = Client(address, timeout=f"{timeout_s}s")
    except OSError as exc:
        raise SystemExit(
            f"drugflows render --dask: cannot reach the Dask scheduler at {address} ({exc})"
        ) from None
    with client:
        yield client.get_executor()


def _data_build(args: argparse.Namespace) -> int:
    from drugflows.build import build_all

    built = build_all(
        raw=args.raw,
        processed_dir=args.processed,
        only=args.table or None,
        allow_shrink=args.allow_shrink,
        echo=lambda line: print(printable(line), flush=True),
    )
    for meta in built:
        print(f"{meta.name}: {meta.rows:,} rows, vintage {meta.vintage}, {meta.coverage}")
    return 0


def _data_list(args: argparse.Namespace) -> int:
    from drugflows import tables

    catalog = tables.read_catalog(args.processed)
    if not catalog:
        print(f"No processed tables in {args.processed or paths.PROCESSED_DIR}; run `drugflows data build`.")
        return 1
    for meta in catalog.values():
        print(
            f"{meta.name} ({meta.file})\n  {meta.rows:,} rows; {meta.coverage}; "
            f"vintage {meta.vintage}\n  source: {meta.source}"
        )
        for raw in meta.raw_files:
            print(f"  raw: {raw.name} ({raw.vintage}; sha256 {raw.sha256[:12]}...)")
    return 0


def _data_check(args: argparse.Namespace) -> int:
    from drugflows.check import check_all

    results = check_all(args.processed)
    if not results:
        print(f"No processed tables in {args.processed or paths.PROCESSED_DIR}; run `drugflows data build`.")
        return 1
    for name, problems in results.items():
        print(f"{'ok' if not problems else 'FAILED':<7} {name}")
        for problem in problems:
            print(f"        {problem}")
    failed = sum(bool(p) for p in results.values())
    print(f"{len(results)} tables checked: {len(results) - failed} ok, {failed} failed")
    return 1 if failed else 0


def _data_fetch(args: argparse.Namespace) -> int:
    from drugflows.fetch import FetchError, fetch

    try:
        fetch(args.source or None, raw_dir=args.raw, mirror=args.mirror)
    except FetchError as exc:
        print(f"drugflows: error: {printable(exc)}", file=sys.stderr)
        return 1
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="drugflows", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)

    render = sub.add_parser(
        "render",
        help="execute the report catalog (or one notebook with -p name=value) and write HTML reports",
        description="Render every report of the catalog, or, given NOTEBOOK, one report of it with "
        "the parameters given by -p (typed as in the catalog: numbers, true/false, None, lists as "
        "a,b,c or [a, b]). The index and manifest are updated either way.",
    )
    render.add_argument(
        "notebook",
        nargs="?",
        metavar="NOTEBOOK",
        help="render only this notebook (e.g. border_seizures) with the -p parameters",
    )
    render.add_argument(
        "-p",
        "--parameter",
        action="append",
        metavar="NAME=VALUE",
        help="a parameter of NOTEBOOK (repeatable), e.g. -p drug=cocaine -p country=GTM,HND",
    )
    render.add_argument(
        "--catalog", type=Path, default=paths.REPORT_CATALOG, help="catalog file (default: reports.yml)"
    )
    render.add_argument(
        "--output", type=Path, default=paths.REPORTS_DIR, help="output folder (default: reports/)"
    )
    render.add_argument(
        "--jobs",
        "-j",
        type=_positive_int,
        default=None,
        help="worker processes (default: number of cores; capped by the cores and memory available)",
    )
    render.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="submit the reports to the Dask distributed scheduler at ADDRESS "
        "(e.g. tcp://127.0.0.1:8786; needs the dask extra)",
    )
    render.add_argument(
        "--dask-timeout",
        metavar="SECONDS",
        type=_positive_seconds,
        default=20.0,
        help="give up connecting to the Dask scheduler after SECONDS (default: 20)",
    )
    render.add_argument(
        "--force",
        action="store_true",
        help="rerun every report, even those unchanged since their last success",
    )
    render.add_argument(
        "--only", nargs="+", metavar="NAME", help="render only these reports (notebook, or notebook/name)"
    )
    render.add_argument("--show-code", action="store_true", help="include the code in the HTML")
    render.add_argument(
        "--no-fork-kernels",
        action="store_true",
        help="start every kernel as a new Python process instead of forking it from "
        "a preloaded one (slower; the plain papermill way)",
    )
    render.set_defaults(func=_render)

    data = sub.add_parser("data", help="build and list the processed tables")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    build = data_sub.add_parser("build", help="rebuild data/processed/ from the raw files")
    build.add_argument(
        "--raw",
        type=Path,
        default=None,
        help=f"raw root read alone for the sources it has (default: ${paths.RAW_DIR_ENV}; "
        "else data/raw/ added to ../shared/data/); it must exist",
    )
    build.add_argument("--table", action="append", help="build only this table (repeatable)")
    build.add_argument(
        "--processed",
        type=Path,
        default=None,
        help="write the tables into this folder (default: data/processed/)",
    )
    build.add_argument(
        "--allow-shrink",
        action="store_true",
        help="write tables that have fewer rows or months than the previous build (refused otherwise)",
    )
    build.set_defaults(func=_data_build)
    for name, func, text in (
        ("list", _data_list, "print every processed table with its vintage"),
        ("check", _data_check, "validate every processed table against its schema"),
    ):
        command = data_sub.add_parser(name, help=text)
        command.add_argument(
            "--processed", type=Path, default=None, help="the processed folder (default: data/processed/)"
        )
        command.set_defaults(func=func)
    fetch = data_sub.add_parser("fetch", help="download raw files from their publishers")
    fetch.add_argument("source", nargs="*", help="sources to fetch (default: all)")
    fetch.add_argument(
        "--raw", type=Path, default=None, help=f"raw folder (default: ${paths.RAW_DIR_ENV}, else data/raw/)"
    )
    fetch.add_argument(
        "--mirror", default=None, help="download <mirror>/<source>/<file> instead of the publisher's URL"
    )
    fetch.set_defaults(func=_data_fetch)
    return top


def describe_os_error(exc: OSError) -> str:
    """``<path>: <problem>`` for an OSError (the path, both paths of a rename, or none)."""
    if exc.filename is None:
        return str(exc)
    where = str(exc.filename) + (f" -> {exc.filename2}" if exc.filename2 else "")
    return f"{where}: {exc.strerror or exc}"


def printable(text: object) -> str:
    """``text`` with control and format characters (terminal escapes, bidi overrides) written as
    ``\\x1b``-style escapes, line breaks and tabs kept: a message never drives the terminal."""
    return "".join(
        c
        if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cf")
        else c.encode("unicode_escape").decode()
        for c in str(text)
    )


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, KeyError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"drugflows: error: {printable(message)}", file=sys.stderr)
        return 2
    except OSError as exc:  # a missing, unreadable, looping, read-only or full path
        message = str(exc) if exc.filename is None and exc.args and len(exc.args) == 1 else None
        print(f"drugflows: error: {printable(message or describe_os_error(exc))}", file=sys.stderr)
        if args.command == "data":
            print("drugflows: earlier outputs were left as they were", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        if args.command != "data":
            raise
        print(
            "drugflows: interrupted; the processed tables are the previous ones or, if the swap had "
            "happened, the new ones (never a mix)",
            file=sys.stderr,
        )
        return 130


if __name__ == "__main__":
    sys.exit(main())
