"""The bundled Markdown documents, cut into paragraphs that remember their section and lines."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).parent / "docs"


@dataclass(frozen=True)
class Paragraph:
    source: str  # the file name, as a Flowise document loader reports it
    document: str  # the file's top heading
    title: str  # the heading of the paragraph's section
    text: str  # Markdown, exactly as written
    first_line: int  # 1-based, inclusive
    last_line: int


def _paragraphs_of(path: Path) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    document = title = ""
    block: list[tuple[int, str]] = []
    in_fence = False

    def close_block() -> None:
        if block:
            text = "\n".join(line for _, line in block)
            paragraphs.append(Paragraph(path.name, document, title, text, block[0][0], block[-1][0]))
            block.clear()

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            in_fence = not in_fence
        # Inside a code fence, "#" starts a comment and a blank line belongs to the code.
        if not in_fence and line.startswith("#"):
            close_block()
            title = line.lstrip("#").strip()
            document = document or title
        elif not in_fence and not line.strip():
            close_block()
        else:
            block.append((number, line))
    close_block()
    return paragraphs


def load_paragraphs(folder: Path = DOCS) -> list[Paragraph]:
    """Every paragraph of every document, in a stable order (by file name, then by line)."""
    return [p for path in sorted(folder.glob("*.md")) for p in _paragraphs_of(path)]
