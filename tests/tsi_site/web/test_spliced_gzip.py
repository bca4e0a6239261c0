"""Pages gzipped around chart JSON compressed once: one valid gzip member whatever the order,
place or number of the pieces, and a page that decompresses to exactly what it renders."""

from __future__ import annotations

import gzip
import re
import zlib

import pytest
from django.urls import reverse

from tests.analytics.pages.sample import BLOCKS, DARK
from tsi_site.web.spliced_gzip import deflate_piece, gzip_spliced

CHART_A = b'{"data":[{"x":[1,2,3],"type":"scatter"}],"layout":{}}' * 50
CHART_B = b'{"data":[{"z":[[0,1],[1,0]],"type":"heatmap"}]}' * 80


def pieces(*texts: bytes) -> list[tuple[bytes, bytes]]:
    return [(text, deflate_piece(text)) for text in texts]


@pytest.mark.parametrize(
    "body",
    [
        b"<html><head></head><body>" + CHART_A + b"<p>between</p>" + CHART_B + b"</body></html>",
        CHART_A + CHART_B,  # at the very start and end, next to each other
        b"<p>" + CHART_B + b"</p><p>" + CHART_A + b"</p>",  # in the other order
        b"<p>no chart in this page</p>",
        b"",
    ],
)
def test_the_spliced_stream_is_one_gzip_member_of_the_whole_body(body):
    written = gzip_spliced(body, pieces(CHART_A, CHART_B))
    assert gzip.decompress(written) == body
    decompressor = zlib.decompressobj(wbits=31)  # strict: one member, CRC and length checked
    assert decompressor.decompress(written) == body and decompressor.eof
    assert decompressor.unused_data == b""


def test_the_pieces_are_not_compressed_again():
    body = b"<p>" + CHART_A + b"</p>"
    written = gzip_spliced(body, pieces(CHART_A))
    assert deflate_piece(CHART_A) in written


def test_a_piece_found_twice_or_inside_another_is_spliced_once():
    body = CHART_A + b"|" + CHART_A
    assert gzip.decompress(gzip_spliced(body, pieces(CHART_A, CHART_A[:40]))) == body


@pytest.fixture
def page_url(store_schedule):
    schedule = store_schedule(BLOCKS, DARK, name="gzip")
    return reverse("analytics:sky-map", args=[schedule.pk])


def without_tokens(html: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def test_a_chart_page_is_sent_spliced_and_reads_as_rendered(client, django_user_model, page_url):
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    plain = client.get(page_url)
    zipped = client.get(page_url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert plain.status_code == zipped.status_code == 200
    assert zipped["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped["Vary"]
    assert not plain.has_header("Content-Encoding")
    html = gzip.decompress(zipped.content)
    assert b'class="plotly-figure"' in html
    assert without_tokens(html) == without_tokens(plain.content)
