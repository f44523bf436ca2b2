"""The central formula of the churn-impact model as plain arithmetic, for Python and for the page.

:func:`formula` gives the model's central computation (:func:`cxstats.models.impact.evaluate` at
one set of input values) as an ordered list of ``name = expression`` steps in the small language
that Python and the Vega expression language share: input names, numbers, ``+ - * /`` and
parentheses. Two functions: ``ratio(a, b)`` is ``a / b`` where ``b > 0`` and ``nan`` (Vega: ``NaN``)
otherwise; ``pos(x)`` is ``max(x, 0)``. The same strings are

* evaluated in Python by :func:`evaluate_formula` (tested equal to ``evaluate``), and
* written into the handbook's in-page calculator by :func:`vega_expressions` (inlined, so that
  each output is one Vega expression over the calculator's Altair parameters); the browser test
  sets inputs in the page and compares its numbers with ``evaluate``.

Examples
--------
>>> from cxstats.models.impact import evaluate, example_values
>>> from cxstats.models.impact_formula import evaluate_formula, vega_expressions
>>> v = example_values(problem_rate_major=1.0, loyalty_no_problem=0.9)
>>> v["loyalty_mollified_major"] = v["loyalty_mollified_minor"] = 0.5
>>> round(evaluate_formula(v)["customers_lost"], 2), round(evaluate(v)["customers_lost"], 2)
(0.81, 0.81)
>>> "problem_rate_major" in vega_expressions()["customers_lost"]
True
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from cxstats.models.impact.inputs import SEVERITIES

__all__ = ["CALCULATOR_OUTPUTS", "evaluate_formula", "formula", "inputs", "vega_expressions"]

#: Outputs the in-page calculator shows.
CALCULATOR_OUTPUTS = ("customers_lost", "customers_lost_silent", "revenue_lost",
                      "revenue_lost_silent", "share_of_loss_silent")

def _steps() -> list[tuple[str, str]]:
    """Mirrors :func:`cxstats.models.impact.evaluate` step by step (names as there)."""
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
        ]
    total = " + ".join
    steps += [
        ("customers_lost", total(f"customers_lost_{k}" for k in SEVERITIES)),
        ("customers_lost_silent", total(f"lost_silent_{k}" for k in SEVERITIES)),
        ("gross_silent", total(f"gross_silent_{k}" for k in SEVERITIES)),
        ("gross", "gross_silent + " + total(f"gross_complained_{k}" for k in SEVERITIES)),
        ("revenue_lost", "customers_lost * revenue_per_customer"),
        ("revenue_lost_silent", "customers_lost_silent * revenue_per_customer"),
        ("margin_lost", "revenue_lost * margin"),
        # the silent customers' part of the gross loss; undefined (nan) where nothing is lost
        ("share_of_loss_silent", "ratio(gross_silent, gross)"),
    ]
    return steps


_STEPS = tuple(_steps())

_ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Name, ast.Constant, ast.Load, ast.Add,
            ast.Sub, ast.Mult, ast.Div, ast.USub, ast.Call)
_FUNCTIONS = {"ratio": 2, "pos": 1}
_NAME = re.compile(r"\b[a-z_][a-z0-9_]*\b(?!\()")
_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_METHODS = ("incremental", "absolute")


def _check_method(method: str) -> None:
    if method not in _METHODS:
        raise ValueError(f"method must be one of {', '.join(_METHODS)}; got {method!r}")


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
    base = "1" if method == "absolute" else "loyalty_no_problem"
    return [(name, expr.format(base=base)) for name, expr in _STEPS]


def inputs(method: str = "incremental") -> tuple[str, ...]:
    """The input names the formula reads (every input of the model for ``method``).

    Examples
    --------
    >>> "loyalty_no_problem" in inputs(), "loyalty_no_problem" in inputs("absolute")
    (True, False)
    """
    steps = formula(method)
    defined = {name for name, _ in steps}
    seen: list[str] = []
    for _, expr in steps:
        for name in _NAME.findall(expr):
            if name not in defined and name not in seen:
                seen.append(name)
    return tuple(seen)


def evaluate_formula(values: Mapping[str, float], *, method: str = "incremental") -> dict[str, float]:
    """Evaluate :func:`formula` in Python on one set of input values (floats).

    Only arithmetic is evaluated (the expressions are parsed and checked, never ``eval``-ed as
    arbitrary code). ``loyalty_mollified_*`` must be given as numbers. A ratio with a zero
    denominator is ``nan``, as in :func:`cxstats.models.impact.evaluate`.

    Examples
    --------
    >>> evaluate_formula({"customers": 1}, method="absolute")
    Traceback (most recent call last):
    ...
    ValueError: values is missing the inputs ['complaint_rate_major', ...]
    """
    need = inputs(method)
    missing = [n for n in need if n not in values]
    if missing:
        raise ValueError(f"values is missing the inputs {sorted(missing)}")
    env = {n: float(values[n]) for n in need}
    for name, expr in formula(method):
        env[name] = _eval(ast.parse(expr, mode="eval").body, env)
    return {name: env[name] for name, _ in formula(method)}


def _check_call(node: ast.Call) -> None:
    if not (isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS
            and len(node.args) == _FUNCTIONS[node.func.id] and not node.keywords):
        raise ValueError(f"unsupported call in the formula: {ast.dump(node)}")


def _eval(node: ast.AST, env: Mapping[str, float]) -> float:
    if not isinstance(node, _ALLOWED):
        raise ValueError(f"unsupported syntax in the formula: {ast.dump(node)}")
    if isinstance(node, ast.Call):
        _check_call(node)
        args = [_eval(a, env) for a in node.args]
        if node.func.id == "pos":
            return max(args[0], 0.0)
        num, den = args
        return num / den if den > 0 else float("nan")
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.UnaryOp):
        return -_eval(node.operand, env)
    left, right = _eval(node.left, env), _eval(node.right, env)
    if isinstance(node.op, ast.Add):
        return left + right
    if isinstance(node.op, ast.Sub):
        return left - right
    if isinstance(node.op, ast.Mult):
        return left * right
    return left / right if right != 0 else float("nan")


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
        return f"(({den}) > 0 ? ({num}) / ({den}) : NaN)"
    if isinstance(node, ast.Constant):
        return repr(float(node.value)) if not float(node.value).is_integer() else str(int(node.value))
    if isinstance(node, ast.Name):
        return f"({inlined[node.id]})" if node.id in inlined else node.id
    if isinstance(node, ast.UnaryOp):
        return f"(-{_to_vega(node.operand, inlined)})"
    return f"({_to_vega(node.left, inlined)} {_OPS[type(node.op)]} {_to_vega(node.right, inlined)})"
