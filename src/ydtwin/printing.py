"""Printing an HTML page (a review report) to PDF with Qt: no extra dependency."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def html_to_pdf(text: str, images: dict[str, bytes], out: str | os.PathLike[str]) -> Path:
    """``text`` (HTML whose images are named in ``images``: name → PNG bytes) → a PDF file (A4)."""
    from PyQt6.QtCore import QMarginsF, QUrl
    from PyQt6.QtGui import QGuiApplication, QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument

    # printing needs no screen: outside the app, an offscreen Qt (fonts and painting only)
    app = QGuiApplication.instance() or QGuiApplication(["ydtwin", "-platform", "offscreen"])  # noqa: F841
    doc = QTextDocument()
    for name, data in images.items():
        image = QImage.fromData(data, "PNG")
        doc.addResource(QTextDocument.ResourceType.ImageResource.value, QUrl(name), image)
    doc.setHtml(text)
    out = Path(out)
    # printed beside the target under a temporary name, then renamed over it: a reader never sees half a PDF,
    # and an output that is a symbolic link is replaced, never written through
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        writer = QPdfWriter(tmp)
        writer.setTitle(doc.metaInformation(QTextDocument.MetaInformation.DocumentTitle))
        writer.setCreator("ydtwin")
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                         QMarginsF(15, 15, 15, 15)))
        writer.setResolution(150)
        doc.setPageSize(writer.pageLayout().paintRectPixels(writer.resolution()).size().toSizeF())
        doc.print(writer)
        del writer
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
