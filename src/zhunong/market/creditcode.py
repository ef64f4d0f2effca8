"""The unified social credit code (统一社会信用代码) of GB 32100-2015: 18 characters, the last a
check character over the first 17, so a mistyped code is caught before anyone reviews it.

Characters: the digits and the capital letters without I, O, Z, S and V (31 in all). The check
character is the one whose value c makes (Σ value(i) × 3^i mod 31 + c) divisible by 31.
"""

import re

CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]
SHAPE = re.compile(f"^[{CHARACTERS}]{{18}}$")


def check_character(first17: str) -> str:
    total = sum(CHARACTERS.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARACTERS[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """Why the code is not a valid one, in Chinese; None when it is."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位（现为{len(code)}位）"
    if not SHAPE.match(code):
        return "统一社会信用代码只能由数字和大写字母（不含 I、O、Z、S、V）组成"
    expected = check_character(code[:17])
    if code[17] != expected:
        return "统一社会信用代码校验位不正确，请核对是否抄错"
    return None


def normalized(code: str) -> str:
    """As people type it: spaces removed, letters in capitals, full-width characters as ASCII."""
    found = "".join(code.split())
    found = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in found)
    return found.upper()
