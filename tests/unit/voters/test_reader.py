"""The reader: three encodings, not-CSV refused, broken rows rejected with their line number."""
from __future__ import annotations

import io
import tracemalloc

import pytest

from fieldapp.errors import DomainError
from fieldapp.voters.imports.reader import MAX_FIELD_CHARS, CsvSource, Rejection

HEADER = "first_name,last_name,address,city,zip\n"


def read(data: bytes, **kwargs) -> tuple[CsvSource, list]:
    """Open data and read every row."""
    source = CsvSource(io.BytesIO(data), **kwargs)
    return source, list(source.rows())


def rows_of(items: list) -> list[tuple[int, dict]]:
    return [item for item in items if not isinstance(item, Rejection)]


def rejections_of(items: list) -> list[Rejection]:
    return [item for item in items if isinstance(item, Rejection)]


@pytest.mark.parametrize("encoding, data, expected", [
    ("utf-8", (HEADER + "José,Núñez,1 Calle Mayor,Testville,11758\n").encode("utf-8"), "utf-8"),
    ("utf-8-sig", (HEADER + "José,Núñez,1 Calle Mayor,Testville,11758\n").encode("utf-8-sig"),
     "utf-8-sig"),
    ("latin-1", (HEADER + "José,Núñez,1 Calle Mayor,Testville,11758\n").encode("latin-1"),
     "latin-1"),
])
def test_three_encodings_read_the_same(encoding, data, expected):
    source, items = read(data)
    assert source.encoding == expected
    assert source.header == ["first_name", "last_name", "address", "city", "zip"]
    assert rows_of(items) == [(2, {"first_name": "José", "last_name": "Núñez",
                                   "address": "1 Calle Mayor", "city": "Testville",
                                   "zip": "11758"})]


def test_windows_1252_quotes_and_a_mixed_file():
    data = (HEADER.encode() + "Ana,O’Neil,2 Main St,Testville,11758\n".encode("cp1252")
            + "Zoë,Ames,3 Main St,Testville,11758\n".encode())
    source, items = read(data)
    names = [record["last_name"] for _, record in rows_of(items)]
    assert names == ["O’Neil", "Ames"]
    assert source.encoding == "utf-8, 1 lines latin-1"


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"\n\n  \n", "empty"),
    (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 50, "Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "old Excel"),
    (b"%PDF-1.7\n%binary", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
    (b"first_name last_name address\nAna Lopez 12 Main St\n", "no comma, tab or semicolon"),
    ("first_name,city\n".encode("utf-16"), "UTF-16"),
])
def test_a_file_that_is_not_csv_is_refused_with_a_message(data, message):
    with pytest.raises(DomainError, match=message):
        CsvSource(io.BytesIO(data))


def test_broken_quote_rejects_its_row_and_keeps_the_next_ones():
    data = (HEADER + 'Ana,"Lopez,12 Main St,Testville,11758\n'
            "Ben,Cole,14 Main St,Testville,11758\n"
            "Cy,Dunn,16 Main St,Testville,11758\n").encode()
    _, items = read(data)
    [rejection] = rejections_of(items)
    assert rejection.line_number == 2
    assert rejection.category == "malformed"
    assert "quote" in rejection.reason
    assert rejection.raw.startswith('Ana,"Lopez')
    assert [(n, r["first_name"]) for n, r in rows_of(items)] == [(3, "Ben"), (4, "Cy")]


def test_text_after_a_closing_quote_is_a_broken_row():
    data = (HEADER + 'Ana,"Lopez"x,12 Main St,Testville,11758\n'
            "Ben,Cole,14 Main St,Testville,11758\n").encode()
    _, items = read(data)
    assert [r.line_number for r in rejections_of(items)] == [2]
    assert [n for n, _ in rows_of(items)] == [3]


def test_quoted_newline_inside_a_field_is_one_row():
    data = (HEADER + 'Ana,Lopez,"12 Main St\nApt 3",Testville,11758\n'
            "Ben,Cole,14 Main St,Testville,11758\n").encode()
    _, items = read(data)
    assert rejections_of(items) == []
    assert [(n, r["address"]) for n, r in rows_of(items)] == [(2, "12 Main St\nApt 3"),
                                                               (4, "14 Main St")]


def test_too_many_or_too_few_fields_are_rejected():
    data = (HEADER + "Ana,Lopez,12 Main St,Testville,11758,extra\n"
            "Ben,Cole,14 Main St\n\n"
            "Cy,Dunn,16 Main St,Testville,11758\n").encode()
    _, items = read(data)
    assert [(r.line_number, r.reason) for r in rejections_of(items)] == [
        (2, "6 fields where the header has 5."), (3, "3 fields where the header has 5.")]
    assert [n for n, _ in rows_of(items)] == [5]


def test_a_ten_megabyte_field_is_rejected_with_its_line_without_holding_it():
    huge = b"x" * (10 * 1024 * 1024)
    data = (HEADER.encode() + b"Ana,Lopez,12 Main St,Testville,11758\n"
            + b"Ben," + huge + b",14 Main St,Testville,11758\n"
            + b"Cy,Dunn,16 Main St,Testville,11758\n")
    stream = io.BytesIO(data)
    tracemalloc.start()
    try:
        items = list(CsvSource(stream).rows())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024  # the 10 MB line was never held whole
    [rejection] = rejections_of(items)
    assert (rejection.line_number, rejection.category) == (3, "too_large")
    assert len(rejection.raw) <= 500
    assert [n for n, _ in rows_of(items)] == [2, 4]


def test_a_quoted_field_over_the_field_limit_is_rejected():
    big = "y" * (MAX_FIELD_CHARS + 10)
    data = (HEADER + f'Ana,"{big}",12 Main St,Testville,11758\n'
            "Ben,Cole,14 Main St,Testville,11758\n").encode()
    _, items = read(data)
    [rejection] = rejections_of(items)
    assert rejection.line_number == 2 and "longer than 128 KB" in rejection.reason
    assert [n for n, _ in rows_of(items)] == [3]


def test_tab_and_semicolon_delimiters_and_duplicate_headers():
    source, items = read(b"VanID\tAddress\tCity\tCity\n7\t1 Elm St\tTestville\tOld\n")
    assert source.delimiter == "\t"
    assert source.header == ["VanID", "Address", "City", "City (2)"]
    assert rows_of(items)[0][1]["City (2)"] == "Old"
    source, _ = read(b"first_name;address;city\nAna;1 Elm St;Testville\n")
    assert source.delimiter == ";"


def test_without_header_rows_are_lists_of_any_width():
    source, items = read(b'"1","12 Main St, Testville, NY, 11758","No_Match"\n'
                         b'"2","14 Main St, Testville, NY, 11758","Match","Exact","x","-73.4,40.6"\n',
                         has_header=False)
    assert source.header == []
    assert [(n, len(fields)) for n, fields in rows_of(items)] == [(1, 3), (2, 6)]


def test_bytes_read_follows_the_file():
    data = (HEADER + "Ana,Lopez,12 Main St,Testville,11758\n").encode("utf-8-sig")
    source, _ = read(data)
    assert source.bytes_read == len(data) - 3  # all but the byte-order mark


def test_a_row_with_a_nul_byte_is_rejected_not_sent_to_the_database():
    # SQLite would keep it, PostgreSQL refuses text with NUL and the whole batch would fail.
    # (A NUL in the first 64 KB refuses the file as binary; further on it is one bad row.)
    good = "".join(f"Ana,Lopez,{n} Main St,Testville,11758\n" for n in range(2000))
    data = (HEADER + good + "Ben,Co\x00le,14 Main St,Testville,11758\n"
            '"Cy","Multi\nline\x00",16 Main St,Testville,11758\n'
            "Dee,Dunn,18 Main St,Testville,11758\n").encode()
    assert len(data) > 64 * 1024
    _, items = read(data)
    assert [number for number, _ in rows_of(items)][-2:] == [2001, 2005]
    assert [(r.line_number, r.category) for r in rejections_of(items)] == [
        (2002, "malformed"), (2003, "malformed")]
    assert "NUL" in rejections_of(items)[0].reason and "\x00" not in rejections_of(items)[0].raw
