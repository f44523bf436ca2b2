"""The churn-impact formula, written once, for Python and for the page.

:func:`formula` is the model's whole computation as an ordered list of ``name = expression``
steps in the small language that Python and the Vega expression language share: input names,
numbers, ``+ - * /`` and parentheses, and three functions: ``ratio(a, b)`` is ``a / b`` where
``b > 0`` and ``nan`` (Vega: ``NaN``) otherwise; ``part(a, b)`` is ``a / b`` where ``b > 0`` and
``0`` otherwise; ``pos(x)`` is ``max(x, 0)``. The same steps are

* run by :func:`cxstats.models.impact.evaluate` on scalars or numpy arrays (:func:`run`: every
  expression is parsed, checked against that language and compiled once), which the Monte Carlo,
  the sensitivity analysis and the command line call, and
* written into the handbook's in-page calculator by :func:`vega_expressions` (inlined, so that
  each output is one Vega expression over the calculator's Altair parameters); the browser test
  sets inputs in the page and compares its numbers with ``evaluate``.

Examples
--------
>>> from cxstats.models.impact import evaluate, example_values
>>> v = example_values(problem_rate_major=1.0, loyalty_no_problem=0.9)
>>> round(evaluate(v)["customers_lost"], 2)
0.81
>>> dict(formula())["customers_lost_major"]
'direct_major + wom_silent_major + wom_complained_major - won_major'
>>> "problem_rate_major" in vega_expressions()["customers_lost"]
True
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Collection, Mapping
from typing import Any

from cxstats.models.impact.inputs import SEVERITIES

__all__ = ["CALCULATOR_OUTPUTS", "METHODS", "formula", "inputs", "run", "vega_expressions"]

#: Outputs the in-page calculator shows.
CALCULATOR_OUTPUTS = ("customers_lost", "customers_lost_silent", "revenue_lost",
                      "revenue_lost_silent", "share_of_loss_silent")

def _steps() -> list[tuple[str, str]]:
    """The steps, with ``{base}`` for the loyalty a loss is counted against (see :func:`formula`)."""
    steps = [
        ("total", "share_resolved_quickly + share_resolved_slowly + share_mollified"
                  " + share_unresolved"),
        ("sq", "share_resolved_quickly / total"),
        ("ss", "share_resolved_slowly / total"),
        ("sm", "share_mollified / total"),
        ("su", "share_unresolved / total"),
        ("wom_per_silent", "told_silent * wom_conversion_negative"),
        ("wom_per_complainer", "(su * told_unresolved + sm * told_mollified)"
                               " * wom_conversion_negative"),
        ("won_per_complainer", "(sq + ss) * told_resolved * wom_conversion_positive"),
        # resolving one more complaint: quickly or slowly in today's proportion (slowly if none is)
        ("wq", "part(sq, sq + ss)"),
    ]
    for k in SEVERITIES:
        lq, ls, lm, lu = (f"loyalty_resolved_quickly_{k}", f"loyalty_resolved_slowly_{k}",
                          f"loyalty_mollified_{k}", f"loyalty_unresolved_{k}")
        steps += [
            (f"l_complained_{k}", f"sq * {lq} + ss * {ls} + sm * {lm} + su * {lu}"),
            (f"loss_nc_{k}", f"{{base}} - loyalty_silent_{k}"),
            (f"loss_complained_{k}", f"{{base}} - l_complained_{k}"),
            (f"affected_{k}", f"customers * problem_rate_{k}"),
            (f"silent_{k}", f"affected_{k} * (1 - complaint_rate_{k})"),
            (f"complained_{k}", f"affected_{k} * complaint_rate_{k}"),
            (f"direct_{k}", f"silent_{k} * loss_nc_{k} + complained_{k} * loss_complained_{k}"),
            (f"wom_silent_{k}", f"silent_{k} * wom_per_silent"),
            (f"wom_complained_{k}", f"complained_{k} * wom_per_complainer"),
            (f"won_{k}", f"complained_{k} * won_per_complainer"),
            (f"customers_lost_{k}",
             f"direct_{k} + wom_silent_{k} + wom_complained_{k} - won_{k}"),
            (f"lost_silent_{k}", f"silent_{k} * loss_nc_{k} + wom_silent_{k}"),
            # gross loss: each group's loss before gains (a group more loyal than L0 counts 0)
            (f"gross_silent_{k}", f"silent_{k} * pos(loss_nc_{k}) + wom_silent_{k}"),
            (f"gross_complained_{k}",
             f"wom_complained_{k} + complained_{k} * (sq * pos({{base}} - {lq})"
             f" + ss * pos({{base}} - {ls}) + sm * pos({{base}} - {lm})"
             f" + su * pos({{base}} - {lu}))"),
            # marginal values (the model is linear in c_k and in the outcome shares: exact);
            # the base loyalty cancels in both differences
            (f"d_complaint_rate_{k}",
             f"affected_{k} * (loyalty_silent_{k} - l_complained_{k} + wom_per_complainer"
             f" - wom_per_silent - won_per_complainer)"),
            (f"d_resolution_rate_{k}",
             f"complained_{k} * ({lu} - wq * {lq} - (1 - wq) * {ls}"
             f" - wom_conversion_negative * told_unresolved"
             f" - wom_conversion_positive * told_resolved)"),
        ]
    total = " + ".join
    steps += [
        ("customers_lost", total(f"customers_lost_{k}" for k in SEVERITIES)),
        ("customers_lost_direct", total(f"direct_{k}" for k in SEVERITIES)),
        ("customers_lost_wom",
         total(f"wom_silent_{k} + wom_complained_{k}" for k in SEVERITIES)),
        ("customers_won_wom", total(f"won_{k}" for k in SEVERITIES)),
        ("customers_lost_silent", total(f"lost_silent_{k}" for k in SEVERITIES)),
        ("gross_silent", total(f"gross_silent_{k}" for k in SEVERITIES)),
        ("gross", "gross_silent + " + total(f"gross_complained_{k}" for k in SEVERITIES)),
        ("revenue_lost", "customers_lost * revenue_per_customer"),
        ("revenue_lost_silent", "customers_lost_silent * revenue_per_customer"),
        ("margin_lost", "revenue_lost * margin"),
        # the silent customers' part of the gross loss; undefined (nan) where nothing is lost
        ("share_of_loss_silent", "ratio(gross_silent, gross)"),
        # revenue kept per point (0.01) more complaints, or more complaints resolved
        ("value_per_point_complaint_rate",
         "-0.01 * (" + total(f"d_complaint_rate_{k}" for k in SEVERITIES)
         + ") * revenue_per_customer"),
        ("value_per_point_resolution_rate",
         "-0.01 * (" + total(f"d_resolution_rate_{k}" for k in SEVERITIES)
         + ") * revenue_per_customer"),
    ]
    return steps


_STEPS = tuple(_steps())

_ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Name, ast.Constant, ast.Load, ast.Add,
            ast.Sub, ast.Mult, ast.Div, ast.USub, ast.Call)
_FUNCTIONS = {"ratio": 2, "part": 2, "pos": 1}
_NAME = re.compile(r"\b[a-z_][a-z0-9_]*\b(?!\()")
_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
#: ``incremental`` (``L0 - L``, the default) or ``absolute`` (``1 - L``, TARP's upper bound).
METHODS = ("incremental", "absolute")


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")


def formula(method: str = "incremental") -> list[tuple[str, str]]:
    """The model's central computation as ``(name, expression)`` steps, in order.

    Parameters
    ----------
    method : {"incremental", "absolute"}
        The loss of a group is ``loyalty_no_problem - loyalty`` or ``1 - loyalty``.

    Examples
    --------
    >>> dict(formula())["affected_major"]
    'customers * problem_rate_major'
    >>> dict(formula("absolute"))["loss_nc_major"]
    '1 - loyalty_silent_major'
    """
    _check_method(method)
    return list(_formula(method))


@functools.cache
def _formula(method: str) -> tuple[tuple[str, str], ...]:
    _check_method(method)
    base = "1" if method == "absolute" else "loyalty_no_problem"
    return tuple((name, expr.format(base=base)) for name, expr in _STEPS)


def inputs(method: str = "incremental") -> tuple[str, ...]:
    """The input names the formula reads (every input of the model for ``method``).

    Examples
    --------
    >>> "loyalty_no_problem" in inputs(), "loyalty_no_problem" in inputs("absolute")
    (True, False)
    """
    _check_method(method)
    return _inputs(method)


@functools.cache
def _inputs(method: str) -> tuple[str, ...]:
    steps = _formula(method)
    defined = {name for name, _ in steps}
    seen: list[str] = []
    for _, expr in steps:
        for name in _NAME.findall(expr):
            if name not in defined and name not in seen:
                seen.append(name)
    return tuple(seen)


def _check_call(node: ast.Call) -> None:
    if not (isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS
            and len(node.args) == _FUNCTIONS[node.func.id] and not node.keywords):
        raise ValueError(f"unsupported call in the formula: {ast.dump(node)}")


@functools.cache
def _compiled(method: str) -> tuple[tuple[str, Any, tuple[str, ...]], ...]:
    """Each step checked and compiled, with the earlier steps last read by it (to free them)."""
    steps = _formula(method)
    last_read: dict[str, int] = {}
    for i, (_, expr) in enumerate(steps):
        for name in _NAME.findall(expr):
            last_read[name] = i
    out = []
    for i, (name, expr) in enumerate(steps):
        tree = ast.parse(expr, mode="eval")
        for node in ast.walk(tree):
            if not isinstance(node, _ALLOWED):
                raise ValueError(f"unsupported syntax in the formula: {ast.dump(node)}")
            if isinstance(node, ast.Call):
                _check_call(node)
        done = tuple(n for n, _ in steps[:i] if last_read.get(n) == i)
        out.append((name, compile(tree, f"<impact formula: {name}>", "eval"), done))
    return tuple(out)


def run(values: Mapping[str, Any], *, method: str = "incremental",
        outputs: Collection[str] | None = None) -> dict[str, Any]:
    """Run the steps of :func:`formula` on input values (floats or numpy arrays), in order.

    ``values`` must hold every name of :func:`inputs` (other keys are ignored). Returns every
    step's value by name, or only
    those in ``outputs`` (then each intermediate array is freed after its last use, which keeps
    large Monte Carlo chunks in memory the processor can reuse). No validation beyond the method:
    :func:`cxstats.models.impact.evaluate` is the documented entry point (it fills the derived
    inputs and picks the outputs).

    Examples
    --------
    >>> from cxstats.models.impact import example_values
    >>> v = example_values(problem_rate_major=1.0, loyalty_no_problem=0.9,
    ...                    loyalty_mollified_major=0.5, loyalty_mollified_minor=0.5)
    >>> round(float(run(v)["customers_lost"]), 2)
    0.81
    >>> sorted(run(v, outputs=["margin_lost"]))
    ['margin_lost']
    """
    import numpy as np

    def ratio(a: Any, b: Any) -> Any:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(b > 0, np.divide(a, b), np.nan)

    def part(a: Any, b: Any) -> Any:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(b > 0, np.divide(a, b), 0.0)

    def pos(x: Any) -> Any:
        return np.maximum(x, 0.0)

    _check_method(method)
    if not isinstance(values, Mapping):
        raise TypeError(f"values must be a mapping of input name to value, not "
                        f"{type(values).__name__}")
    if isinstance(outputs, str):
        raise TypeError("outputs must be a collection of step names, not a single str")
    steps = _compiled(method)
    keep = {name for name, _, _ in steps} if outputs is None else set(outputs)
    unknown = keep - {name for name, _, _ in steps}
    if unknown:
        raise ValueError(f"outputs has unknown names {sorted(unknown)}")
    names = _inputs(method)
    missing = [n for n in names if n not in values]
    if missing:
        raise ValueError(f"values has no {missing}: run needs every name of inputs({method!r})")
    scope = {"__builtins__": {}, "ratio": ratio, "part": part, "pos": pos}
    # only the inputs: another key could hide a function (ratio, part, pos) or a step
    env = {n: values[n] for n in names}
    result = {}
    for name, code, done in steps:
        env[name] = eval(code, scope, env)  # checked arithmetic only (see _compiled)
        if name in keep:
            result[name] = env[name]
        for old in done:
            del env[old]
    return result


def vega_expressions(method: str = "incremental",
                     outputs: tuple[str, ...] = CALCULATOR_OUTPUTS) -> dict[str, str]:
    """Each output as one Vega expression over the input names (intermediate steps inlined).

    In the calculator every input is an Altair parameter of the same name, so the expressions
    can be used as they are in ``transform_calculate``.

    Examples
    --------
    >>> vega_expressions(outputs=("revenue_lost",))["revenue_lost"].endswith("* revenue_per_customer)")
    True
    """
    if isinstance(outputs, str):
        raise TypeError("outputs must be a sequence of step names, not a single str")
    steps = formula(method)
    known = dict(steps)
    unknown = [o for o in outputs if o not in known]
    if unknown:
        raise ValueError(f"unknown outputs {unknown}; allowed: {', '.join(known)}")
    inlined: dict[str, str] = {}
    for name, expr in steps:
        inlined[name] = _to_vega(ast.parse(expr, mode="eval").body, inlined)
    return {o: inlined[o] for o in outputs}


def _to_vega(node: ast.AST, inlined: Mapping[str, str]) -> str:
    """Render a checked formula expression as Vega, with earlier steps substituted."""
    if not isinstance(node, _ALLOWED):
        raise ValueError(f"unsupported syntax in the formula: {ast.dump(node)}")
    if isinstance(node, ast.Call):
        _check_call(node)
        args = [_to_vega(a, inlined) for a in node.args]
        if node.func.id == "pos":
            return f"max({args[0]}, 0)"
        num, den = args
        otherwise = "NaN" if node.func.id == "ratio" else "0"
        return f"(({den}) > 0 ? ({num}) / ({den}) : {otherwise})"
    if isinstance(node, ast.Constant):
        return repr(float(node.value)) if not float(node.value).is_integer() else str(int(node.value))
    if isinstance(node, ast.Name):
        return f"({inlined[node.id]})" if node.id in inlined else node.id
    if isinstance(node, ast.UnaryOp):
        return f"(-{_to_vega(node.operand, inlined)})"
    return f"({_to_vega(node.left, inlined)} {_OPS[type(node.op)]} {_to_vega(node.right, inlined)})"
