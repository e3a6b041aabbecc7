"""Plain-text tables for the terminal, where a Chinese character is two columns wide."""

import unicodedata


def width(text):
    """Columns `text` takes in a terminal."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def pad(text, columns, right=False):
    """`text` padded with spaces to `columns` terminal columns."""
    space = " " * max(0, columns - width(text))
    return f"{space}{text}" if right else f"{text}{space}"


def render(header, rows):
    """Rows under a header, each column as wide as its widest cell, two spaces apart."""
    widths = [max(width(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = [header, ["-" * w for w in widths], *rows]
    return "\n".join(
        "  ".join(pad(c, w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines
    )
