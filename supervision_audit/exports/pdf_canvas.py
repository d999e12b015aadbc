"""The canvas of a printed form or bundle: pages held back until the end so each footer can
say "Page X of Y" (of its document, and in a bundle of the whole file too), with the PDF's
outline (bookmarks) made as the pages are written."""

from __future__ import annotations

from collections import Counter
from typing import Any, Protocol

from reportlab.pdfgen.canvas import Canvas

from supervision_audit.exports.pdfa import make_archival

FRONT = -1  # the part printed before the others (a bundle's index)


class Chrome(Protocol):
    """What every page of a part prints around it (its header and footer)."""

    def draw(self, canvas: Canvas, page: int, pages: int,
             file_page: tuple[int, int] | None = None) -> None: ...


class NumberedCanvas(Canvas):
    """Holds every page back until the end so each footer can say 'Page X of Y'.

    A bundle of forms (:func:`render_bundle_pdf`) numbers each form's pages on its own, as
    if printed alone, and may move one part (its front matter) before the others; with more
    than one part each page also gives its page of the whole file, and the PDF's outline
    (bookmarks) lists each part under its section.
    """

    def __init__(self, *args: Any, chrome: Chrome | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._chromes: dict[int, Chrome] = {0: chrome} if chrome is not None else {}
        self._part = 0
        self._held: list[dict[str, Any]] = []
        self._outline: dict[int, tuple[str, str]] = {}

    def start_part(self, number: int, chrome: Chrome,
                   outline: tuple[str, str] | None = None) -> None:
        """The pages from this one on belong to part ``number`` (``FRONT``: goes first);
        ``outline`` is its (section, title) in the bookmarks."""
        self._chromes[number] = chrome
        self._part = number
        if outline is not None:
            self._outline[number] = outline

    def part_pages(self) -> dict[int, int]:
        """Pages finished so far, by part."""
        return dict(Counter(state["_part"] for state in self._held))

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        held = sorted(self._held, key=lambda state: state["_part"] != FRONT)  # stable
        totals, seen = self.part_pages(), Counter[int]()
        bundle = len(totals) > 1
        outline, section = self._outline, None
        for index, state in enumerate(held, start=1):
            self.__dict__.update(state)
            seen[self._part] += 1
            if bundle and seen[self._part] == 1 and self._part in outline:
                section = self._bookmark(outline[self._part], section)
            self._chromes[self._part].draw(self, seen[self._part], totals[self._part],
                                           (index, len(held)) if bundle else None)
            super().showPage()
        if bundle and outline:
            self.showOutline()
        make_archival(self)  # every exported PDF is written as PDF/A-2b
        super().save()

    def _bookmark(self, entry: tuple[str, str], section: str | None) -> str:
        """Bookmark this page: under its section (a new section starts here), or at the top
        when the section is empty; returns the section now open."""
        heading, title = entry
        key = f"part-{self._part}"
        self.bookmarkPage(key)
        if not heading:
            self.addOutlineEntry(title, key, level=0)
            return ""
        if heading != section:  # its own key: an outline entry is named by its key
            self.bookmarkPage(f"section-{self._part}")
            self.addOutlineEntry(heading, f"section-{self._part}", level=0)
        self.addOutlineEntry(title, key, level=1)
        return heading


class CountingCanvas(NumberedCanvas):
    """Lays pages out to count them; writes nothing."""

    def save(self) -> None:
        pass
