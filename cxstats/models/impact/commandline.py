"""The impact inputs-file format and the ``cxstats impact`` command (:func:`main_cli`)."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MAX_FILE_BYTES", "load_inputs_file", "main_cli"]

_FILE_KEYS = {"customers", "revenue_per_customer", "inputs", "method", "draws", "confidence",
              "seed"}
#: Largest inputs file read (an inputs file is a few lines; anything bigger is a mistake).
MAX_FILE_BYTES = 1_000_000


def load_inputs_file(path: Path | str) -> dict[str, Any]:
    """Read a YAML (``.yml``/``.yaml``) or TOML (``.toml``) file of :func:`impact` arguments.

    Top-level keys: ``customers``, ``revenue_per_customer``, ``inputs`` (a mapping of input
    specs), ``method``, ``draws``, ``confidence``, ``seed``. YAML is read strictly by
    :func:`cxstats._yaml.load`: anchors and aliases and duplicate keys are refused.

    Raises
    ------
    ValueError
        A folder, a file over :data:`MAX_FILE_BYTES`, a wrong suffix, invalid YAML or TOML,
        anchors, aliases or duplicate keys, a top level that is not a mapping, or unknown keys.
    FileNotFoundError
        No such file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.toml"
    >>> _ = p.write_text('customers = 10\\nrevenue_per_customer = 2.5\\n')
    >>> load_inputs_file(p)
    {'customers': 10, 'revenue_per_customer': 2.5}
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".yml", ".yaml", ".toml"):
        raise ValueError(f"inputs file must end in .yml, .yaml or .toml; got {path.name[:80]!r}")
    if path.is_dir():
        raise ValueError(f"{path}: is a folder, not an inputs file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"{path.name}: larger than {MAX_FILE_BYTES:,} bytes; an inputs file is "
                         "a few lines")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path.name}: not UTF-8 text") from None
    if suffix == ".toml":
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path.name}: not valid TOML: {str(exc)[:200]}") from None
        except RecursionError:
            raise ValueError(f"{path.name}: TOML nested too deeply") from None
    else:
        from cxstats import _yaml

        try:  # no aliases (a "billion laughs" file is refused before it expands), no dup keys
            data = _yaml.load(text)
        except _yaml.YAMLInputError as exc:
            raise ValueError(f"{path.name}: {exc}") from None
        except RecursionError:
            raise ValueError(f"{path.name}: YAML nested too deeply") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: the file must hold a mapping of settings")
    unknown = {str(k) for k in data} - _FILE_KEYS
    if unknown:
        shown = ", ".join(sorted(u[:40] for u in unknown)[:10])
        raise ValueError(f"{path.name}: unknown keys {shown}; allowed: "
                         f"{', '.join(sorted(_FILE_KEYS))}")
    return data


def _fmt(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, float):
        return f"{x:,.4g}" if abs(x) < 1000 else f"{x:,.0f}"
    return str(x)


def _table(frame: pd.DataFrame, columns: list[str]) -> str:
    from cxstats.presentation.text import escape_terminal

    rows = [columns] + [[escape_terminal(_fmt(v)) for v in r]
                        for r in frame[columns].itertuples(index=False)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(columns))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                     for r in rows)


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
    from cxstats.models.impact.attributable import attributable_loss

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
        frame = frame.assign(**{outcome: values.astype(str).str.strip().eq(positive)
                                .where(values.notna())})
    res = outcome_by_problems(frame, problems=problems, outcome=outcome, cap=cap)
    table = attributable_loss(res, revenue_per_customer=revenue_per_customer, margin=margin)
    total = table.iloc[-1]
    conf = table.attrs["confidence"]
    print(f"attributable loss on {names} ({len(frame):,} rows): churn ({outcome}) in excess "
          f"of customers with 0 {problems}; {conf:.0%} bootstrap interval", file=out)
    print(_table(table, ["group", "customers", "churned", "rate", "baseline_rate",
                         "excess_customers", "ci_low", "ci_high", "revenue_lost"]), file=out)
    print(f"\n{total['excess_customers']:,.1f} of {total['customers']:,.0f} customers "
          f"({total['ci_low']:,.1f} to {total['ci_high']:,.1f}) churned beyond the no-problem "
          f"rate; revenue lost {total['revenue_lost']:,.0f} at {revenue_per_customer:,.4g} per "
          f"customer and margin {margin:.4g}", file=out)
    return 0


def main_cli(path: Path | str | None = None, *, stdout: TextIO | None = None,
             stderr: TextIO | None = None, progress_after: float = 1.0,
             data: Path | str | Sequence[Path | str] | None = None,
             problems: str | None = None,
             outcome: str | None = None, positive: str | None = None,
             revenue_per_customer: float | None = None, cap: int = 3) -> int:
    """Run :func:`impact` on an inputs file, or :func:`attributable_loss` on a CSV; print tables.

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
    >>> main_cli(p, stdout=out)
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
    from cxstats.models.impact.simulation import impact

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
    print(_table(result.summary, ["quantity", "unit", "central", "median", "ci_low",
                                  "ci_high"]), file=out)
    print(f"\nshare of the customer base lost (central): {result.share_of_base_lost:.1%}",
          file=out)
    print("\ninputs", file=out)
    print(_table(result.inputs, ["input", "severity", "value", "low", "high", "distribution",
                                 "source", "catalogue_ids"]), file=out)
    if len(result.sensitivity):
        print("\nsensitivity of revenue_lost (one input at a time, others central)", file=out)
        print(_table(result.sensitivity, ["rank", "input", "severity", "low", "high",
                                          "output_low", "output_high", "swing"]), file=out)
    return 0
