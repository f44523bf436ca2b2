"""The ``cxstats`` command: list, show, validate, cite and export the catalogue."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from cxstats.presentation.text import escape_markdown, escape_terminal

__all__ = ["main"]

def _fmt_value(value: float | None, unit: str | None) -> str:
    import math

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no figure"
    from cxstats.catalogue import fmt_value

    return fmt_value(value, unit)


def _cmd_list(args: argparse.Namespace) -> int:
    from cxstats import catalogue

    t = catalogue.table(producer=args.producer, topic=args.topic, seed=args.seed,
                        status=args.status)
    if args.format == "csv":
        t.to_csv(sys.stdout, index=False)
        return 0
    if args.format == "json":
        sys.stdout.write(t.to_json(orient="records", force_ascii=False, indent=1) + "\n")
        return 0
    cols = ["id", "value", "status", "published_year", "data_year", "producer"]
    if args.format == "markdown":
        print("| " + " | ".join(cols) + " |")
        print("|" + "---|" * len(cols))
        for row in t.itertuples(index=False):
            cells = [row.id, _fmt_value(row.value, row.unit), row.status,
                     row.published_year, row.data_year, row.producer]
            print("| " + " | ".join(escape_markdown(_cell(c)) for c in cells) + " |")
        return 0
    rows = [["id", "value", "status", "published", "data", "producer"]]
    for row in t.itertuples(index=False):
        rows.append([row.id, _fmt_value(row.value, row.unit), row.status,
                     _year(row.published_year), _year(row.data_year), row.producer])
    rows = [[escape_terminal(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    print(f"({len(t)} statistics)")
    return 0


def _cell(value: object) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def _year(value: object) -> str:
    import pandas as pd

    return "unknown" if value is None or pd.isna(value) else str(int(value))


def _cmd_show(args: argparse.Namespace) -> int:
    from cxstats import catalogue

    s = catalogue.get(args.id)
    o = s.origin
    ci = (f"[{s.ci_low:.1f}, {s.ci_high:.1f}] (Wilson, 95%)" if s.ci_low is not None
          else "none (n unknown or not a proportion)")
    lines = [
        f"id:            {s.id}",
        f"claim:         {s.claim}",
        f"value:         {_fmt_value(s.value, s.unit)} ({s.kind})",
        f"base:          {s.base}",
        f"n:             {s.n if s.n is not None else 'unknown'}",
        f"interval:      {ci}",
        f"question:      {s.question or 'not published'}",
        f"status:        {s.status}" + (f" ({s.status_note})" if s.status_note else ""),
        f"source:        {o.producer} ({o.producer_type}), \u201c{o.title}\u201d",
        f"published:     {o.date_published or 'unknown'}; data year: "
        f"{o.data_year if o.data_year is not None else 'unknown'}",
        f"sample size:   {o.sample_size if o.sample_size is not None else 'unknown'}",
        f"url:           {o.url or 'none'}",
        f"cite as:       {o.bib_key}",
    ]
    for e in s.evidence:
        lines.append(f"evidence:      {e.url}\n               \u201c{e.quote}\u201d")
    for x in s.seeds:
        lines.append(f"seed:          {x.file}: \u201c{x.quote}\u201d")
    for d in s.discrepancies:
        lines.append(f"discrepancy:   {d.kind}: {d.explanation}")
    print("\n".join(escape_terminal(line) for line in lines))
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from cxstats.catalogue.validation import validate

    problems = validate(args.root, bibliography=args.bibliography)
    if problems:
        print(f"{len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print(f"  {escape_terminal(p)}", file=sys.stderr)
        return 1
    print("catalogue is valid")
    return 0


def _cmd_cite(args: argparse.Namespace) -> int:
    from cxstats.catalogue.citation import cite

    print(escape_terminal(cite(args.id, style=args.style)))
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from cxstats.catalogue.export import export

    path = export(args.directory)
    print(path)
    return 0


def _cmd_impact(args: argparse.Namespace) -> int:
    from cxstats.models.impact import main_cli

    return main_cli(args.file)


def _cmd_check(args: argparse.Namespace) -> int:
    """Trace every figure of a page to the catalogue; --strict: exit 1 unless all are confirmed as given."""
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
                lines.append(f"    the primary gives {_fmt_value(row.primary_value, row.primary_unit)}")
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
    from cxstats.catalogue import STATUSES, TOPICS

    p = argparse.ArgumentParser(prog="cxstats", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ls = sub.add_parser("list", help="list catalogue statistics")
    ls.add_argument("--producer")
    ls.add_argument("--topic", choices=TOPICS)
    ls.add_argument("--seed", help="seed file name, e.g. 003_2f54bbb8ae0e7415.txt")
    ls.add_argument("--status", choices=STATUSES)
    ls.add_argument("--format", choices=("table", "markdown", "csv", "json"), default="table")
    ls.set_defaults(func=_cmd_list)

    show = sub.add_parser("show", help="show one statistic with its source and evidence")
    show.add_argument("id")
    show.set_defaults(func=_cmd_show)

    val = sub.add_parser("validate", help="validate the catalogue; exit 1 listing every problem")
    val.add_argument("--root", type=Path, default=None, help="catalogue folder (default: packaged)")
    val.add_argument("--bibliography", type=Path, default=None, help="BibTeX file")
    val.set_defaults(func=_cmd_validate)

    ci = sub.add_parser("cite", help="cite a statistic")
    ci.add_argument("id")
    ci.add_argument("--style", choices=("text", "apa", "bibtex"), default="text")
    ci.set_defaults(func=_cmd_cite)

    ex = sub.add_parser("export", help="write a Frictionless data package")
    ex.add_argument("directory", type=Path)
    ex.set_defaults(func=_cmd_export)

    im = sub.add_parser("impact", help="run the churn-impact model on a YAML/TOML inputs file")
    im.add_argument("file", type=Path, help="inputs file (.yml, .yaml or .toml)")
    im.set_defaults(func=_cmd_impact)

    ck = sub.add_parser("check", help="trace every figure of a page to the catalogue")
    ck.add_argument("file", help="plain text, Markdown or HTML file; - for standard input")
    ck.add_argument("--format", choices=("table", "json", "csv"), default="table")
    ck.add_argument("--strict", action="store_true",
                    help="exit 1 if any figure is untraced, traced to a record not confirmed, or "
                         "differs from what the source gives")
    ck.set_defaults(func=_cmd_check)
    return p


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
    except (FileNotFoundError, NotADirectoryError, PermissionError) as exc:
        print(f"cxstats: {escape_terminal(exc)}", file=sys.stderr)
        return 1
    except (ValueError, TypeError) as exc:
        print(f"cxstats: {escape_terminal(exc)}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

