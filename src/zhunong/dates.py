"""Dates as people type them (2025-03-01, 2025/3/1, 2025.3.1): parsed by zhunong.inputs, the one
parser; kept as a name for the command-line tools."""

from zhunong.inputs import day_or_none as parse_date

__all__ = ["parse_date"]
