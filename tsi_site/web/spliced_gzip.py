"""Gzip for pages whose charts were compressed once, when they were rendered.

A chart page at 25,000 blocks is one or two megabytes of HTML, almost all of it the charts'
JSON, and gzipping it on every request took longer than building the rest of the page. A
deflate stream may be cut wherever the compressor was fully flushed (its history is reset
there and the output is byte aligned), so the charts are compressed once, each on its own,
and each request compresses only the HTML around them and splices the pieces together: one
valid gzip member, with the CRC-32 and length of the whole page.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable

LEVEL = 6  # the level GZipMiddleware uses for every other response
# Magic, deflate, no flags, no modification time, no extra flags, unknown operating system.
HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


def deflate_piece(text: bytes) -> bytes:
    """``text`` as raw deflate that any deflate stream may contain at a flushed point."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(text) + compressor.flush(zlib.Z_FULL_FLUSH)


def gzip_spliced(body: bytes, pieces: Iterable[tuple[bytes, bytes]]) -> bytes:
    """``body`` gzipped, where each ``(text, deflate_piece(text))`` is found in it the piece
    taken instead of compressing the text again."""
    found = sorted(
        (at, text, piece) for text, piece in pieces if text and (at := body.find(text)) >= 0
    )
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    parts = [HEADER]
    start = 0
    for at, text, piece in found:
        if at < start:
            continue  # inside a text already spliced
        parts += [compressor.compress(body[start:at]), compressor.flush(zlib.Z_FULL_FLUSH)]
        parts.append(piece)
        start = at + len(text)
    parts += [compressor.compress(body[start:]), compressor.flush(zlib.Z_FINISH)]
    parts.append(struct.pack("<II", zlib.crc32(body), len(body) & 0xFFFFFFFF))
    return b"".join(parts)
