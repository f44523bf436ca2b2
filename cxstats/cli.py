"""The cxstats command: list, show, validate, cite and export the catalogue, run the impact model.

Looking statistics up (``list``, ``show``, ``cite``) reads the catalogue without pandas or
statsmodels; the interval of ``show`` is the only statsmodels call, made for that one record.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import pandas as pd

from cxstats.presentation.text import escape_markdown, escape_terminal

__all__ = ["impact_main", "main"]

_DESCRIPTION = ("Cited customer-experience statistics: list them, show one with its source and "
                "evidence, cite it, validate or export the catalogue, or run the churn-impact "
                "model.")


def _value(s: Any) -> str:
    from cxstats.catalogue import fmt_value

    return "no figure" if s.value is None else fmt_value(s.value, s.unit)


def _year(value: int | None) -> str:
    return "unknown" if value is None else str(value)


#: Fewest characters of the claim ``list`` shows, however narrow the terminal.
_MIN_CLAIM = 30
#: Widest producer name ``list`` shows in a terminal.
_MAX_PRODUCER = 24


def _terminal_width() -> int | None:
    """Columns of the terminal (or $COLUMNS); None when writing to a pipe or file."""
    if "COLUMNS" in os.environ or sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1].rstrip() + "\u2026"


def _filters(args: argparse.Namespace) -> dict[str, Any]:
    return {"producer": args.producer, "producer_type": args.producer_type, "topic": args.topic,
            "seed": args.seed, "status": args.status}


def _cmd_list(args: argparse.Namespace) -> int:
    from cxstats import catalogue

    if args.format in ("csv", "json"):
        t = catalogue.table(**_filters(args))
        if args.format == "csv":
            t.to_csv(sys.stdout, index=False)
        else:
            sys.stdout.write(t.to_json(orient="records", force_ascii=False, indent=1) + "\n")
        return 0
    stats = catalogue.statistics(**_filters(args))
    if args.format == "markdown":
        cols = ["id", "value", "status", "published_year", "data_year", "producer", "claim"]
        print("| " + " | ".join(cols) + " |")
        print("|" + "---|" * len(cols))
        for s in stats:
            cells = [s.id, _value(s), s.status, _year(s.origin.published_year),
                     _year(s.origin.data_year), s.origin.producer, s.claim]
            print("| " + " | ".join(escape_markdown(c) for c in cells) + " |")
        return 0
    room = _terminal_width()
    producer = (lambda p: p) if room is None else (lambda p: _cut(p, _MAX_PRODUCER))
    rows = [["id", "value", "status", "published", "producer"]]
    rows += [[s.id, _value(s), s.status, _year(s.origin.published_year),
              producer(s.origin.producer)] for s in stats]
    lines = _align([[escape_terminal(c) for c in r] for r in rows])
    if room is not None:
        room = max(_MIN_CLAIM, room - len(lines[0]) - 2)
    claims = ["claim"] + [escape_terminal(" ".join(s.claim.split())) for s in stats]
    for line, claim in zip(lines, claims, strict=True):
        print(line + "  " + (claim if room is None else _cut(claim, room)))
    print(f"({len(stats)} statistics)")
    return 0


def _align(rows: list[list[str]]) -> list[str]:
    """The cells of each row padded to their column's width, two spaces apart (equal lengths)."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]


def _interval_text(s: Any) -> str:
    if s.kind != "proportion":
        return "none (not a proportion)"
    if s.ci_n is None:
        return "none (no base stated for this figure)"
    from cxstats.catalogue import CONFIDENCE

    return (f"{s.ci_low:.1f}% to {s.ci_high:.1f}% (Wilson, {CONFIDENCE:.0%}; {s.ci_basis})")


def _cmd_show(args: argparse.Namespace) -> int:
    from cxstats import catalogue

    s = catalogue.get(args.id)
    o = s.origin
    n = ("unknown" if s.n is None else f"{s.n:,} (stated for this figure)")
    lines = [
        f"id:            {s.id}",
        f"claim:         {s.claim}",
        f"value:         {_value(s)} ({s.kind})",
        f"base:          {s.base}",
        f"n:             {n}",
        f"interval:      {_interval_text(s)}",
        f"question:      {s.question or 'not published'}",
        f"status:        {s.status}" + (f" ({s.status_note})" if s.status_note else ""),
        f"source:        {o.producer} ({o.producer_type}), \u201c{o.title}\u201d",
        f"published:     {o.date_published or 'unknown'}; data year: {_year(o.data_year)}",
        f"sample size:   {'unknown' if o.sample_size is None else f'{o.sample_size:,}'}",
        f"url:           {o.url or 'none'}",
        f"cite as:       {o.bib_key}",
    ]
    for e in s.evidence:
        lines.append(f"evidence:      {e.url}\n               \u201c{e.quote}\u201d")
    for i, x in enumerate(s.seeds):
        which = "the repost it reached us through" if i == 0 else "another repost it reached us through"
        lines.append(f"as repeated:   {which}: \u201c{x.quote}\u201d")
    for d in s.discrepancies:
        lines.append(f"discrepancy:   {d.kind}: {d.explanation}")
    print("\n".join(escape_terminal(line) for line in lines))
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from cxstats.catalogue.validation import default_seeds_dir, validate

    seeds = args.seeds if args.seeds is not None else default_seeds_dir()
    problems = validate(args.root, bibliography=args.bibliography, seeds=seeds)
    if seeds is None:
        print("seed quotes not checked: no seeds folder (../shared/seeds); pass --seeds DIR",
              file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print(f"  {escape_terminal(p)}", file=sys.stderr)
        return 1
    checked = "" if seeds is None else f" (seed quotes checked against {seeds})"
    print(escape_terminal(f"catalogue is valid{checked}"))
    return 0


def _cmd_cite(args: argparse.Namespace) -> int:
    from cxstats.catalogue.citation import cite

    print(escape_terminal(cite(args.id, style=args.style)))
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from cxstats.catalogue.export import export

    print(escape_terminal(export(args.directory, overwrite=args.force)))
    return 0


def _cmd_impact(args: argparse.Namespace) -> int:
    return impact_main(args.file, data=args.data, problems=args.problems, outcome=args.outcome,
                       positive=args.positive, revenue_per_customer=args.revenue_per_customer,
                       cap=args.cap)


def _cmd_check(args: argparse.Namespace) -> int:
    """Trace every figure of a page to the catalogue; --strict: exit 1 unless all are confirmed as given."""
    from cxstats.catalogue import fmt_value
    from cxstats.catalogue.check import check

    raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    t = check(raw.decode("utf-8", errors="replace"))
    if args.format == "csv":
        t.to_csv(sys.stdout, index=False)
    elif args.format == "json":
        sys.stdout.write(t.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    else:
        for row in t.itertuples(index=False):
            figure = row.text or "(finding)"
            if row.statistic_id is None:
                head = f"{figure}: untraced (best score {row.match_score:.2f})"
            else:
                year = _year(row.published_year)
                head = (f"{figure}: {row.statistic_id} (score {row.match_score:.2f}), {row.status}; "
                        f"{row.producer} ({row.producer_type}), published {year}")
            lines = [head, f"    \u201c{row.sentence}\u201d"]
            if row.primary_unit is not None:
                lines.append(f"    the primary gives {fmt_value(row.primary_value, row.primary_unit)}")
            if row.alternatives:
                lines.append(f"    also close: {row.alternatives}")
            if row.discrepancies:
                lines += [f"    discrepancy: {d}" for d in row.discrepancies.split(" | ")]
            print("\n".join(escape_terminal(line) for line in lines))
        confirmed = int((t["status"] == "confirmed").sum())
        untraced = int((t["status"] == "untraced").sum())
        print(f"({len(t)} claims: {confirmed} confirmed, {len(t) - confirmed - untraced} traced to "
              f"records not confirmed, {untraced} untraced)")
    failing = (t["status"] != "confirmed") | t["primary_value"].notna()
    return 1 if args.strict and failing.any() else 0


def _parser() -> argparse.ArgumentParser:
    from cxstats import __version__
    from cxstats.catalogue import PRODUCER_TYPES, STATUSES, TOPICS

    p = argparse.ArgumentParser(prog="cxstats", description=_DESCRIPTION)
    p.add_argument("--version", action="version", version=f"cxstats {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ls = sub.add_parser("list", help="list catalogue statistics",
                        description="List catalogue statistics, one line each, with their claim.")
    ls.add_argument("--producer", metavar="TEXT",
                    help="keep producers whose name contains TEXT (any case), e.g. zendesk")
    ls.add_argument("--producer-type", choices=PRODUCER_TYPES, help="keep this kind of producer")
    ls.add_argument("--topic", choices=TOPICS, help="keep statistics tagged with this topic")
    ls.add_argument("--seed", metavar="FILE",
                    help="keep statistics that came through this seed file, "
                         "e.g. 003_2f54bbb8ae0e7415.txt")
    ls.add_argument("--status", choices=STATUSES, help="keep this verification status")
    ls.add_argument("--format", choices=("table", "markdown", "csv", "json"), default="table",
                    help="output format (default: table; csv and json have every column, "
                         "intervals included)")
    ls.set_defaults(func=_cmd_list)

    show = sub.add_parser("show", help="show one statistic with its source and evidence",
                          description="Show one statistic: claim, base, interval, source, "
                                      "evidence and how it was repeated.")
    show.add_argument("id", help="the statistic's id, as printed by cxstats list")
    show.set_defaults(func=_cmd_show)

    val = sub.add_parser("validate", help="validate the catalogue; exit 1 listing every problem",
                         description="Check every catalogue file against the schema and the "
                                     "cross-file rules; list every problem and exit 1 if any.")
    val.add_argument("--root", type=Path, default=None, metavar="DIR",
                     help="catalogue folder (default: the packaged catalogue)")
    val.add_argument("--bibliography", type=Path, default=None, metavar="FILE",
                     help="BibTeX file holding every bib_key (default: the packaged one)")
    val.add_argument("--seeds", type=Path, default=None, metavar="DIR",
                     help="seed files to check the seed quotes against (default: ../shared/seeds "
                          "next to the source checkout, skipped with a note if absent)")
    val.set_defaults(func=_cmd_validate)

    ci = sub.add_parser("cite", help="cite a statistic",
                        description="Print a citation of one statistic's source.")
    ci.add_argument("id", help="the statistic's id, as printed by cxstats list")
    ci.add_argument("--style", choices=("text", "apa", "bibtex"), default="text",
                    help="text: figure, claim, source and status in one line (default); apa: "
                         "reference of the source; bibtex: its BibTeX entry")
    ci.set_defaults(func=_cmd_cite)

    ex = sub.add_parser("export", help="write a Frictionless data package",
                        description="Write the catalogue as a Frictionless data package (CSV "
                                    "files and datapackage.json) into a folder.")
    ex.add_argument("directory", type=str, metavar="DIR",
                    help="folder to write to (created if missing)")
    ex.add_argument("--force", action="store_true",
                    help="overwrite package files already in DIR")
    ex.set_defaults(func=_cmd_export)

    im = sub.add_parser("impact", help="run the churn-impact model on a YAML/TOML inputs file, "
                        "or measure the loss on your own customers (--data)")
    im.add_argument("file", type=Path, nargs="?", default=None,
                    help="inputs file (.yml, .yaml or .toml)")
    im.add_argument("--data", type=Path, nargs="+", metavar="FILE.csv",
                    help="CSV file(s) of one row per customer, read together: measure excess "
                    "churn against customers with no problem instead")
    im.add_argument("--problems", metavar="COLUMN", help="number of problems or service calls")
    im.add_argument("--outcome", metavar="COLUMN", help="churn column (yes/no, 0/1, true/false)")
    im.add_argument("--positive", metavar="VALUE", help="the outcome's 'churned' value if text")
    im.add_argument("--revenue-per-customer", type=float, metavar="X",
                    help="revenue per customer (default: the inputs file's)")
    im.add_argument("--cap", type=int, default=3, help="pool counts of CAP or more (default 3)")
    im.set_defaults(func=_cmd_impact)

    ck = sub.add_parser("check", help="trace every figure of a page to the catalogue")
    ck.add_argument("file", help="plain text, Markdown or HTML file; - for standard input")
    ck.add_argument("--format", choices=("table", "json", "csv"), default="table",
                    help="table (default) for people, json or csv for programs")
    ck.add_argument("--strict", action="store_true",
                    help="exit 1 if any figure is untraced, traced to a record not confirmed, or "
                         "differs from what the source gives")
    ck.set_defaults(func=_cmd_check)
    return p


def _os_message(exc: OSError) -> str:
    if exc.strerror and exc.filename:
        return f"{exc.strerror}: {exc.filename}"
    return str(exc)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 failure, 2 usage)."""
    from cxstats.catalogue.validation import CatalogueError

    args = _parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CatalogueError as exc:
        print(escape_terminal(exc), file=sys.stderr)
        return 1
    except KeyError as exc:
        print(f"cxstats: {escape_terminal(exc.args[0] if exc.args else exc)}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except OSError as exc:
        print(f"cxstats: {escape_terminal(_os_message(exc))}", file=sys.stderr)
        return 1
    except (ValueError, TypeError) as exc:
        print(f"cxstats: {escape_terminal(exc)}", file=sys.stderr)
        return 1


# ``cxstats impact``: the churn-impact model on an inputs file, or the attributable loss on a CSV.
def _impact_fmt(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, float):
        return f"{x:,.4g}" if abs(x) < 1000 else f"{x:,.0f}"
    return str(x)


def _impact_table(frame: pd.DataFrame, columns: list[str]) -> str:
    rows = [columns] + [[escape_terminal(_impact_fmt(v)) for v in r]
                        for r in frame[columns].itertuples(index=False)]
    return "\n".join(line.rstrip() for line in _align(rows))


def _read_csv(path: Path) -> pd.DataFrame:
    import pandas as pd

    if path.is_dir():
        raise ValueError(f"{path}: is a folder, not a CSV file")
    try:  # the delimiter is sniffed: "," and ";" (e.g. spreadsheet exports) both work
        return pd.read_csv(path, sep=None, engine="python")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path.name}: not a readable CSV file ({str(exc)[:120]})") from None


def _run_data(data: list[Path], *, problems: str, outcome: str, positive: str | None,
              revenue_per_customer: float, margin: float, cap: int, out: TextIO) -> int:
    import pandas as pd

    from cxstats.analyses import outcome_by_problems
    from cxstats.models.impact import attributable_loss

    frames = []
    for path in data:
        frame = _read_csv(path)
        for col in (problems, outcome):
            if col not in frame.columns:
                raise ValueError(f"{path.name}: no column {col[:60]!r}; columns: "
                                 f"{', '.join(map(str, frame.columns[:30]))}")
        frames.append(frame[[problems, outcome]])
    frame = pd.concat(frames, ignore_index=True)
    names = ", ".join(p.name for p in data)
    if positive is not None:
        values = frame[outcome]
        text = values.astype(str).str.strip()
        if not text[values.notna()].eq(positive).any():  # else every customer would count as kept
            seen = ", ".join(repr(v) for v in text[values.notna()].unique()[:10])
            raise ValueError(f"--positive {positive!r} matches no value of column {outcome[:60]!r}; "
                             f"its values include {seen or 'nothing (all missing)'}")
        frame = frame.assign(**{outcome: text.eq(positive).where(values.notna())})
    res = outcome_by_problems(frame, problems=problems, outcome=outcome, cap=cap)
    table = attributable_loss(res, revenue_per_customer=revenue_per_customer, margin=margin)
    total = table.iloc[-1]
    conf = table.attrs["confidence"]
    print(f"attributable loss on {names} ({len(frame):,} rows): churn ({outcome}) in excess "
          f"of customers with 0 {problems}; {conf:.0%} bootstrap interval", file=out)
    print(_impact_table(table, ["group", "customers", "churned", "rate", "baseline_rate",
                         "excess_customers", "ci_low", "ci_high", "revenue_lost"]), file=out)
    print(f"\n{total['excess_customers']:,.1f} of {total['customers']:,.0f} customers "
          f"({total['ci_low']:,.1f} to {total['ci_high']:,.1f}) churned beyond the no-problem "
          f"rate; revenue lost {total['revenue_lost']:,.0f} at {revenue_per_customer:,.4g} per "
          f"customer and margin {margin:.4g}", file=out)
    return 0


def impact_main(path: Path | str | None = None, *, stdout: TextIO | None = None,
             stderr: TextIO | None = None, progress_after: float = 1.0,
             data: Path | str | Sequence[Path | str] | None = None,
             problems: str | None = None,
             outcome: str | None = None, positive: str | None = None,
             revenue_per_customer: float | None = None, cap: int = 3) -> int:
    """``cxstats impact``: run :func:`~cxstats.models.impact.impact` on an inputs file, or
    :func:`~cxstats.models.impact.attributable_loss` on a CSV; print tables.

    Without ``data`` the catalogue-based model runs on the YAML/TOML file ``path``. With
    ``data`` (one or more CSV files of one row per customer, read together; the delimiter is
    sniffed) the loss is measured on those customers:
    churn (``outcome``; ``positive`` names its "yes" value when it is text) in excess of
    customers with no ``problems``, groups capped at ``cap``; revenue per customer and margin
    come from ``revenue_per_customer`` or else from the inputs file ``path``.

    A progress line goes to ``stderr`` only once the simulation has run for longer than
    ``progress_after`` seconds. Returns the exit code (0).

    Examples
    --------
    >>> import io, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "in.yml"
    >>> _ = p.write_text('''customers: 100
    ... revenue_per_customer: 10
    ... draws: 1000
    ... inputs: {problem_rate_major: 0.5, problem_rate_minor: 0.0, complaint_rate_major: 0.5}
    ... ''')
    >>> out = io.StringIO()
    >>> impact_main(p, stdout=out)
    0
    >>> "customers_lost" in out.getvalue() and "severity" in out.getvalue()
    True
    """
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    if data is not None:
        if problems is None or outcome is None:
            raise ValueError("--data needs --problems COLUMN and --outcome COLUMN")
        margin = 1.0
        if revenue_per_customer is None:
            if path is None:
                raise ValueError("--data needs --revenue-per-customer or an inputs file with "
                                 "revenue_per_customer")
            from cxstats.models.impact import load_inputs_file

            settings = load_inputs_file(path)
            revenue_per_customer = settings.get("revenue_per_customer")
            margin = (settings.get("inputs") or {}).get("margin", 1.0)
            for name, v in (("revenue_per_customer", revenue_per_customer), ("margin", margin)):
                if isinstance(v, bool) or not isinstance(v, int | float):
                    raise ValueError(f"{Path(path).name}: {name} must be a plain number to use "
                                     "with --data")
        files = [Path(data)] if isinstance(data, str | Path) else [Path(d) for d in data]
        return _run_data(files, problems=problems, outcome=outcome, positive=positive,
                         revenue_per_customer=float(revenue_per_customer), margin=float(margin),
                         cap=cap, out=out)
    if path is None:
        raise ValueError("give an inputs file (.yml, .yaml or .toml) or --data FILE.csv")
    from cxstats.models.impact import impact, load_inputs_file

    settings = load_inputs_file(path)
    start = [time.perf_counter()]
    shown = [False]

    def progress(done: int, total: int) -> None:
        if done == 0:  # the simulation starts: time it, not the imports and catalogue loading
            start[0] = time.perf_counter()
            return
        if time.perf_counter() - start[0] > progress_after:
            shown[0] = True
            err.write(f"\rimpact: {done:,}/{total:,} draws ({100 * done / total:.0f}%)")
            err.flush()

    kwargs = {k: v for k, v in settings.items() if k != "inputs"}
    result = impact(inputs=settings.get("inputs"), progress=progress, **kwargs)
    if shown[0]:
        err.write("\n")
    conf = result.summary["confidence"].iloc[0]
    bound = " - the upper bound" if result.method == "absolute" else ""
    print(f"churn impact ({result.method}{bound}; {result.draws:,} draws, seed {result.seed}; "
          f"{conf:.0%} interval)", file=out)
    for w in result.warnings:
        print(f"WARNING: {w}", file=out)
        print(f"cxstats impact: warning: {w}", file=err)
    print(_impact_table(result.summary, ["quantity", "unit", "central", "median", "ci_low",
                                  "ci_high"]), file=out)
    print(f"\nshare of the customer base lost (central): {result.share_of_base_lost:.1%}",
          file=out)
    print("\ninputs", file=out)
    print(_impact_table(result.inputs, ["input", "severity", "value", "low", "high", "distribution",
                                 "source", "catalogue_ids"]), file=out)
    if len(result.sensitivity):
        print("\nsensitivity of revenue_lost (one input at a time, others central)", file=out)
        print(_impact_table(result.sensitivity, ["rank", "input", "severity", "low", "high",
                                          "output_low", "output_high", "swing"]), file=out)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
