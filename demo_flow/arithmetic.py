"""The demo's one tool: arithmetic found in a question, evaluated by walking its syntax tree (never eval)."""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

Number = int | float

_BINARY: MappingProxyType[type[ast.operator], Callable[[Number, Number], Number]] = MappingProxyType(
    {
        ast.Add: operator.add,
        ast.Sub: operator.sub,
        ast.Mult: operator.mul,
        ast.Div: operator.truediv,
        ast.FloorDiv: operator.floordiv,
        ast.Mod: operator.mod,
        ast.Pow: operator.pow,
    }
)
_UNARY: MappingProxyType[type[ast.unaryop], Callable[[Number], Number]] = MappingProxyType(
    {
        ast.UAdd: operator.pos,
        ast.USub: operator.neg,
    }
)
# Bounds that keep every step cheap: an exponent of 100 on a number below 1e100 is still a small int.
MAX_EXPONENT = 100
MAX_MAGNITUDE = 10**100

_NUMBER = r"\d+(?:\.\d+)?"
# "2,480" is 2480, also before a sentence's comma ("2,480, and"), but "1,23" and "1,2345" are not thousands.
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?!\d|,\d)")
_PERCENT_OF = re.compile(rf"({_NUMBER})\s*%\s*(?:of|от)\s+({_NUMBER})", re.IGNORECASE)
# "x" (Latin or Cyrillic) and "×" only count as multiplication between numbers: "3 x 4", "3x4", "(1+2)×3".
_TIMES = re.compile(r"(?<=[\d)])\s*[x×х]\s*(?=[\d(])")
# A stretch of digits, operators, parentheses and spaces that is not glued to a word ("gpt-4o", "COVID-19").
_RUN = re.compile(r"(?<![\w.])[-+(]*\s*\d[\d\s.()+\-*/%]*(?<=[\d)])(?!\w)")
_DATE = re.compile(r"\d{1,4}([-/.])\d{1,2}\1\d{1,4}")  # 11/25/2026 and 2026-11-25 are days, not sums


class Reason(StrEnum):
    """Why a calculation failed; the value is what the calculator tool reports."""

    NOT_AN_EXPRESSION = "not an arithmetic expression"
    NOT_ALLOWED = "only numbers, + - * / // % ** and parentheses are allowed"
    DIVISION_BY_ZERO = "division by zero"
    EXPONENT_TOO_LARGE = f"exponents above {MAX_EXPONENT} are not supported"
    TOO_LARGE = "the result is too large"
    NOT_REAL = "the result is not a real number"


class CalculationError(ValueError):
    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class Arithmetic:
    expression: str  # normalised Python syntax, e.g. "12.5 / 100 * 2480"
    rest: str  # the question without the expression, for the document search


def find_arithmetic(question: str) -> Arithmetic | None:
    """The first arithmetic expression in a natural-language question, or None when it has none."""
    text = _THOUSANDS.sub(lambda m: m[0].replace(",", ""), question)
    text = _PERCENT_OF.sub(r"(\1 / 100 * \2)", text)
    text = _TIMES.sub(" * ", text.replace("÷", "/").replace("−", "-").replace("^", "**"))
    for match in _RUN.finditer(text):
        candidate = _balanced(match[0].strip())
        if _DATE.fullmatch(candidate):
            continue
        tree = _parse(candidate)
        # A lone number, a year or "3.1.4" is not arithmetic: it needs an operator between numbers.
        if tree is not None and any(isinstance(node, ast.BinOp) for node in ast.walk(tree)):
            return Arithmetic(ast.unparse(tree), text[: match.start()] + text[match.end() :])
    return None


def _balanced(candidate: str) -> str:
    # "(that is 2 + 3)" leaves "2 + 3)": drop the parentheses that belong to the prose around it.
    while candidate.endswith(")") and candidate.count(")") > candidate.count("("):
        candidate = candidate[:-1].rstrip()
    while candidate.startswith("(") and candidate.count("(") > candidate.count(")"):
        candidate = candidate[1:].lstrip()
    return candidate


def _parse(expression: str) -> ast.Expression | None:
    try:
        return ast.parse(expression, mode="eval")
    # The parser itself gives up on absurd input with these rather than a SyntaxError.
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def evaluate(expression: str) -> Number:
    """The value of an arithmetic expression in Python syntax; anything else raises CalculationError."""
    tree = _parse(expression)
    if tree is None:
        raise CalculationError(Reason.NOT_AN_EXPRESSION)
    try:
        return _value(tree.body)
    except RecursionError:
        raise CalculationError(Reason.NOT_AN_EXPRESSION) from None


def _value(node: ast.expr) -> Number:
    value = node.value if isinstance(node, ast.Constant) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):  # a bool is an int to Python
        return _bounded(value)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_value(node.operand))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _value(node.left), _value(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            raise CalculationError(Reason.EXPONENT_TOO_LARGE)
        try:
            result = _BINARY[type(node.op)](left, right)
        except ZeroDivisionError:
            raise CalculationError(Reason.DIVISION_BY_ZERO) from None
        except OverflowError:
            raise CalculationError(Reason.TOO_LARGE) from None
        if isinstance(result, complex):  # (-8) ** 0.5
            raise CalculationError(Reason.NOT_REAL)
        return _bounded(result)
    raise CalculationError(Reason.NOT_ALLOWED)


def _bounded(value: Number) -> Number:
    if isinstance(value, float) and math.isnan(value):
        raise CalculationError(Reason.NOT_REAL)
    if abs(value) > MAX_MAGNITUDE:  # also catches inf
        raise CalculationError(Reason.TOO_LARGE)
    return value


def format_number(value: Number) -> str:
    """Integers in full; other floats to 15 significant digits, which hides binary noise like 0.1 + 0.2."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value) if isinstance(value, int) else f"{value:.15g}"
