"""The cxstats command: list, show, validate, cite and export the catalogue, run the impact model.

Looking statistics up (``list``, ``show``, ``cite``) reads the catalogue without pandas or
statsmodels; the interval of ``show`` is the only statsmodels call, made for that one record.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cxstats.presentation.text import escape_markdown, escape_terminal

__all__ = ["main"]

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
    rows = [[escape_terminal(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    if room is not None:
        room = max(_MIN_CLAIM, room - sum(w + 2 for w in widths))
    claims = ["claim"] + [escape_terminal(" ".join(s.claim.split())) for s in stats]
    for r, claim in zip(rows, claims, strict=True):
        line = "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True))
        print(line + "  " + (claim if room is None else _cut(claim, room)))
    print(f"({len(stats)} statistics)")
    return 0


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
    from cxstats.models.impact import main_cli

    return main_cli(args.file, data=args.data, problems=args.problems, outcome=args.outcome,
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
