"""Hostile inputs with known shape, for the reliability tests and the attack benchmark.

``pdf_stream_bomb`` builds a small PDF whose page content inflates far beyond its size: one
Flate stream listed many times in ``/Contents``, or one stream that inflates to gigabytes.
"""
from __future__ import annotations

import zlib


def pdf_stream_bomb(plain_chunk: bytes, n_chunks: int, repeat: int) -> bytes:
    """One page; /Contents = a text stream + one Flate stream (plain_chunk × n_chunks) × repeat."""
    co = zlib.compressobj(9)
    comp = b"".join(co.compress(plain_chunk) for _ in range(n_chunks)) + co.flush()
    text = b"BT /F1 12 Tf 72 720 Td (2023) Tj ET\n"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 6 0 R >> >> "
            b"/Contents [4 0 R " + b"5 0 R " * repeat + b"] >>",
            b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(comp) + comp + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offs = bytearray(b"%PDF-1.4\n"), []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offs)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    return bytes(out)
