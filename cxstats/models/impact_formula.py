"""The central formula of the churn-impact model as plain arithmetic, for Python and for the page.

:func:`formula` gives the model's central computation (:func:`cxstats.models.impact.evaluate` at
one set of input values) as an ordered list of ``name = expression`` steps in the small language
that Python and the Vega expression language share: input names, numbers, ``+ - * /`` and
parentheses. The one function, ``ratio(a, b)``, is ``a / b`` where ``b > 0`` and ``nan`` (Vega: ``NaN``)
otherwise. The same strings are

* evaluated in Python by :func:`evaluate_formula` (tested equal to ``evaluate``), and
* written into the handbook's in-page calculator by :func:`vega_expressions` (inlined, so that
  each output is one Vega expression over the calculator's Altair parameters); the browser test
  sets inputs in the page and compares its numbers with ``evaluate``.

Examples
--------
>>> from cxstats.models.impact_formula import evaluate_formula, vega_expressions
>>> v = dict(customers=1, revenue_per_customer=1, margin=1, problem_rate=1,
...          complaint_rate=0, share_resolved_quickly=0, share_resolved_slowly=0,
...          share_mollified=0, share_unresolved=1, loyalty_silent=0.25,
...          loyalty_unresolved=0.5, loyalty_mollified=0.55, loyalty_resolved_slowly=0.6,
...          loyalty_resolved_quickly=0.8, told_silent=0, told_unresolved=0,
...          told_mollified=0, told_resolved=0, wom_conversion_negative=0,
...          wom_conversion_positive=0)
>>> evaluate_formula(v)["customers_lost"]
0.75
>>> "problem_rate" in vega_expressions()["customers_lost"]
True
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

__all__ = ["CALCULATOR_OUTPUTS", "evaluate_formula", "formula", "inputs", "vega_expressions"]

#: Outputs the in-page calculator shows.
CALCULATOR_OUTPUTS = ("customers_lost", "customers_lost_silent", "revenue_lost",
                      "revenue_lost_silent", "share_of_loss_silent")

# Mirrors evaluate() in cxstats/models/impact.py step by step (names as there).
_STEPS = (
    ("total", "share_resolved_quickly + share_resolved_slowly + share_mollified + share_unresolved"),
    ("sq", "share_resolved_quickly / total"),
    ("ss", "share_resolved_slowly / total"),
    ("sm", "share_mollified / total"),
    ("su", "share_unresolved / total"),
    ("loss_nc", "{base} - loyalty_silent"),
    ("loss_u", "{base} - loyalty_unresolved"),
    ("loss_m", "{base} - loyalty_mollified"),
    ("loss_s", "{base} - loyalty_resolved_slowly"),
    ("loss_q", "{base} - loyalty_resolved_quickly"),
    ("affected", "customers * problem_rate"),
    ("silent", "affected * (1 - complaint_rate)"),
    ("complained", "affected * complaint_rate"),
    ("complainer_loss", "sq * loss_q + ss * loss_s + sm * loss_m + su * loss_u"),
    ("lost_silent_direct", "silent * loss_nc"),
    ("lost_direct", "lost_silent_direct + complained * complainer_loss"),
    ("lost_wom_silent", "silent * told_silent * wom_conversion_negative"),
    ("lost_wom", "lost_wom_silent + complained * (su * told_unresolved + sm * told_mollified)"
                 " * wom_conversion_negative"),
    ("won_wom", "complained * (sq + ss) * told_resolved * wom_conversion_positive"),
    ("customers_lost", "lost_direct + lost_wom - won_wom"),
    ("customers_lost_silent", "lost_silent_direct + lost_wom_silent"),
    ("revenue_lost", "customers_lost * revenue_per_customer"),
    ("revenue_lost_silent", "customers_lost_silent * revenue_per_customer"),
    ("margin_lost", "revenue_lost * margin"),
    # undefined (nan) when no customer is lost, as in evaluate()
    ("share_of_loss_silent", "ratio(customers_lost_silent, customers_lost)"),
)

_ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Name, ast.Constant, ast.Load, ast.Add,
            ast.Sub, ast.Mult, ast.Div, ast.USub, ast.Call)
_FUNCTIONS = ("ratio",)
_NAME = re.compile(r"\b[a-z_][a-z0-9_]*\b(?!\()")
_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_METHODS = ("absolute", "incremental")


def _check_method(method: str) -> None:
    if method not in _METHODS:
        raise ValueError(f"method must be one of {', '.join(_METHODS)}; got {method!r}")


def formula(method: str = "absolute") -> list[tuple[str, str]]:
    """The model's central computation as ``(name, expression)`` steps, in order.

    Parameters
    ----------
    method : {"absolute", "incremental"}
        The loss of a group is ``1 - loyalty`` or ``loyalty_no_problem - loyalty``.

    Examples
    --------
    >>> dict(formula())["affected"]
    'customers * problem_rate'
    >>> dict(formula("incremental"))["loss_nc"]
    'loyalty_no_problem - loyalty_silent'
    """
    _check_method(method)
    base = "1" if method == "absolute" else "loyalty_no_problem"
    return [(name, expr.format(base=base)) for name, expr in _STEPS]


def inputs(method: str = "absolute") -> tuple[str, ...]:
    """The input names the formula reads (every input of the model for ``method``).

    Examples
    --------
    >>> "loyalty_no_problem" in inputs(), "loyalty_no_problem" in inputs("incremental")
    (False, True)
    """
    steps = formula(method)
    defined = {name for name, _ in steps}
    seen: list[str] = []
    for _, expr in steps:
        for name in _NAME.findall(expr):
            if name not in defined and name not in seen:
                seen.append(name)
    return tuple(seen)


def evaluate_formula(values: Mapping[str, float], *, method: str = "absolute") -> dict[str, float]:
    """Evaluate :func:`formula` in Python on one set of input values (floats).

    Only arithmetic is evaluated (the expressions are parsed and checked, never ``eval``-ed as
    arbitrary code). ``loyalty_mollified`` must be given as a number. A ratio with a zero
    denominator is ``nan``, as in :func:`cxstats.models.impact.evaluate`.

    Examples
    --------
    >>> evaluate_formula({"customers": 1}, method="absolute")
    Traceback (most recent call last):
    ...
    ValueError: values is missing the inputs ['complaint_rate', ...]
    """
    need = inputs(method)
    missing = [n for n in need if n not in values]
    if missing:
        raise ValueError(f"values is missing the inputs {sorted(missing)}")
    env = {n: float(values[n]) for n in need}
    for name, expr in formula(method):
        env[name] = _eval(ast.parse(expr, mode="eval").body, env)
    return {name: env[name] for name, _ in formula(method)}


def _eval(node: ast.AST, env: Mapping[str, float]) -> float:
    if not isinstance(node, _ALLOWED):
        raise ValueError(f"unsupported syntax in the formula: {ast.dump(node)}")
    if isinstance(node, ast.Call):
        if not (isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS
                and len(node.args) == 2 and not node.keywords):
            raise ValueError(f"unsupported call in the formula: {ast.dump(node)}")
        num, den = (_eval(a, env) for a in node.args)
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


def vega_expressions(method: str = "absolute",
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
        num, den = (_to_vega(a, inlined) for a in node.args)
        return f"(({den}) > 0 ? ({num}) / ({den}) : NaN)"
    if isinstance(node, ast.Constant):
        return repr(float(node.value)) if not float(node.value).is_integer() else str(int(node.value))
    if isinstance(node, ast.Name):
        return f"({inlined[node.id]})" if node.id in inlined else node.id
    if isinstance(node, ast.UnaryOp):
        return f"(-{_to_vega(node.operand, inlined)})"
    return f"({_to_vega(node.left, inlined)} {_OPS[type(node.op)]} {_to_vega(node.right, inlined)})"
