"""The demo's one tool: arithmetic found in a question, evaluated safely (an AST walk, never eval)."""

from __future__ import annotations

import ast
import math
import operator
import re

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}
_MAX_EXPONENT = 100
_MAX_MAGNITUDE = 1e100

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_OPERATOR = r"\*\*|//|[-+*/%×÷x^]"
# Numbers joined by operators, with parentheses allowed; at least one operator.
_EXPRESSION = re.compile(
    rf"[(\s]*(?:{_NUMBER})[)\s]*(?:(?:{_OPERATOR})[(\s]*(?:{_NUMBER})[)\s]*)+"
)
_PERCENT_OF = re.compile(rf"({_NUMBER})\s*%\s*(?:of|от)\s*({_NUMBER})", re.IGNORECASE)


class CalculationError(ValueError):
    """The expression cannot be computed; the message says why, for the answer text."""


def find_expression(question: str) -> str | None:
    """The arithmetic in a question, normalised to Python syntax, or None when there is none."""
    if match := _PERCENT_OF.search(question):
        return f"{_plain(match[1])} / 100 * {_plain(match[2])}"
    for match in _EXPRESSION.finditer(question):
        candidate = match.group(0).strip()
        # "3.1.4" or a lone year has no operator between numbers.
        if re.search(rf"(?:{_NUMBER})[)\s]*(?:{_OPERATOR})[(\s]*(?:{_NUMBER})", candidate):
            text = candidate.replace("×", "*").replace("÷", "/").replace("^", "**")
            text = re.sub(r"(?<=[\d)\s])x(?=[\s(\d])", "*", text)
            return re.sub(_NUMBER, lambda m: _plain(m.group(0)), text).strip()
    return None


def _plain(number: str) -> str:
    return number.replace(",", "")


def evaluate(expression: str) -> int | float:
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        raise CalculationError("that is not an expression I can compute") from None
    return _value(tree.body)


def _value(node: ast.AST) -> int | float:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_value(node.operand))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _value(node.left), _value(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > _MAX_EXPONENT:
            raise CalculationError(f"exponents above {_MAX_EXPONENT} are more than this calculator handles")
        try:
            result = _BINARY[type(node.op)](left, right)
        except ZeroDivisionError:
            raise CalculationError("division by zero is undefined") from None
        if isinstance(result, complex) or (isinstance(result, float) and not math.isfinite(result)) \
                or abs(result) > _MAX_MAGNITUDE:
            raise CalculationError("the result is too large to show")
        return result
    raise CalculationError("only numbers and + - * / // % ** are allowed")


def format_number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value) if isinstance(value, int) else f"{value:.12g}"
