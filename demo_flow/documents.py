"""The bundled Markdown documents, cut into paragraphs that remember their section and lines."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).parent / "docs"


@dataclass(frozen=True)
class Paragraph:
    source: str
    document: str  # the file's top heading
    title: str  # the section's heading
    text: str
    first_line: int
    last_line: int


def _paragraphs_of(path: Path) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    document = title = ""
    block: list[tuple[int, str]] = []
    in_fence = False

    def close_block() -> None:
        if block:
            paragraphs.append(Paragraph(path.name, document, title, "\n".join(t for _, t in block), block[0][0], block[-1][0]))
            block.clear()

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            in_fence = not in_fence
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
    return [p for path in sorted(folder.glob("*.md")) for p in _paragraphs_of(path)]
