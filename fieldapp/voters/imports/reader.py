"""Read a voter file from bytes: numbered rows, or a rejection that says which line and why.

Encodings: a UTF-8 byte-order mark is dropped; otherwise each line is decoded on its own, as
UTF-8 when it is valid UTF-8, else as Windows-1252 (Latin-1 for the five bytes cp1252 leaves
undefined). Deciding per line keeps the read one streaming pass and reads files pasted
together from two sources; `encoding` says what was met.

Safety: a physical line longer than MAX_LINE_BYTES is skipped in chunks (memory stays bounded
whatever the file holds) and rejected; csv's field limit stops a quoted field that runs over
many lines. A row whose quote never closes swallows the lines after it: the row is rejected
on its first line and the swallowed lines are read again, so one stray quote costs one row.
A file that is not CSV at all (binary, a spreadsheet, no delimiter in the header) is refused
with a DomainError before any row is read.
"""
from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from fieldapp.errors import DomainError

MAX_LINE_BYTES = 1024 * 1024
MAX_FIELD_CHARS = 128 * 1024
SNIFF_BYTES = 64 * 1024
RAW_EXCERPT = 500
DELIMITERS = (",", "\t", ";", "|")
SIGNATURES = {
    b"PK\x03\x04": "an Excel workbook (.xlsx) or a zip archive",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls)",
    b"%PDF": "a PDF document",
    b"\x1f\x8b": "a gzip archive",
    b"\xff\xfe": "a UTF-16 text file",
    b"\xfe\xff": "a UTF-16 text file",
}
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Rejection:
    """A row that cannot be imported: its first line, a category, a reason, an excerpt."""

    line_number: int
    category: str
    reason: str
    raw: str = ""


class _LineTooLong(Exception):
    """Raised through the csv reader when a physical line is over MAX_LINE_BYTES."""

    def __init__(self, number: int, excerpt: str) -> None:
        super().__init__(number)
        self.number, self.excerpt = number, excerpt


class _Prefixed(io.RawIOBase):
    """The bytes already sniffed, then the rest of the file (works on unseekable streams)."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head, self._rest = memoryview(head), rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n], self._head = self._head[:n], self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


class _Lines:
    """Decoded physical lines with their numbers, the lines of the current row, a push-back."""

    def __init__(self, stream: io.BufferedReader) -> None:
        self._stream = stream
        self._pending: deque[tuple[int, str]] = deque()
        self.read_count = 0
        self.bytes_read = 0
        self.utf8_lines = 0
        self.fallback_lines = 0
        self.nul_lines: set[int] = set()  # lines holding a NUL byte: no database stores one
        self.taken: list[tuple[int, str]] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._pending:
            number, text = self._pending.popleft()
        else:
            raw = self._stream.readline(MAX_LINE_BYTES + 1)
            if not raw:
                raise StopIteration
            self.bytes_read += len(raw)
            self.read_count += 1
            number = self.read_count
            if len(raw) > MAX_LINE_BYTES:
                excerpt = self.decode(raw[:RAW_EXCERPT * 4])[:RAW_EXCERPT]
                self._skip_rest(raw)
                raise _LineTooLong(number, excerpt)
            if b"\x00" in raw:
                self.nul_lines.add(number)
            text = self.decode(raw)
        self.taken.append((number, text))
        return text

    def decode(self, raw: bytes) -> str:
        """UTF-8 if the line is valid UTF-8, else Windows-1252 / Latin-1."""
        if raw.isascii():
            return raw.decode("ascii")
        try:
            text = raw.decode("utf-8")
            self.utf8_lines += 1
            return text
        except UnicodeDecodeError:
            self.fallback_lines += 1
            try:
                return raw.decode("cp1252")
            except UnicodeDecodeError:
                return raw.decode("latin-1")

    def _skip_rest(self, raw: bytes) -> None:
        """Read past the end of an over-long line, a chunk at a time."""
        while raw and not raw.endswith(b"\n"):
            raw = self._stream.readline(64 * 1024)
            self.bytes_read += len(raw)

    def push_back(self, lines: list[tuple[int, str]]) -> None:
        """Lines to hand out again, before reading more of the file."""
        self._pending.extendleft(reversed(lines))


def _refuse_non_csv(head: bytes) -> None:
    """DomainError when the first bytes show the file is not a CSV text file."""
    if not head.strip():
        raise DomainError("The file is empty.")
    for signature, what in SIGNATURES.items():
        if head.startswith(signature):
            raise DomainError(f"This file is {what}, not a CSV file. Save or export it as CSV "
                              "(comma-separated values, UTF-8) and import that.")
    if b"\x00" in head:
        raise DomainError("This file is not a CSV file: it contains binary data (NUL bytes). "
                          "Export the voter file as CSV and import that.")


def _header_fields(line: str, delimiter: str) -> list[str]:
    """Header names, stripped; blanks named by position, repeats numbered."""
    names, seen = [], set()
    for position, name in enumerate(next(csv.reader([line], delimiter=delimiter)), start=1):
        name = name.strip() or f"column {position}"
        unique, n = name, 2
        while unique in seen:
            unique, n = f"{name} ({n})", n + 1
        seen.add(unique)
        names.append(unique)
    return names


class CsvSource:
    """An opened voter file: `header`, `delimiter`, `encoding`, then `rows()` streams the rest."""

    def __init__(self, fileobj: BinaryIO, has_header: bool = True) -> None:
        csv.field_size_limit(MAX_FIELD_CHARS)
        head = fileobj.read(SNIFF_BYTES)
        _refuse_non_csv(head)
        self.bom = head.startswith(BOM)
        self._lines = _Lines(io.BufferedReader(
            _Prefixed(head[len(BOM):] if self.bom else head, fileobj), 256 * 1024))
        self.has_header = has_header
        try:
            first = next(self._lines)
        except _LineTooLong:
            raise DomainError(
                "The first line is longer than 1 MB: this is not a CSV header.") from None
        except StopIteration:
            raise DomainError("The file is empty.") from None
        counts = {d: first.count(d) for d in DELIMITERS}
        self.delimiter = max(DELIMITERS, key=counts.get)
        if not counts[self.delimiter]:
            raise DomainError("This file is not a CSV file: its first line has no comma, tab "
                              "or semicolon between fields.", {"first line": first[:200]})
        self.header: list[str] = []
        if has_header:
            self.header = _header_fields(first.rstrip("\r\n"), self.delimiter)
        else:
            self._lines.push_back(self._lines.taken)

    @property
    def bytes_read(self) -> int:
        """Bytes of the file read so far (for a progress bar; the BOM not counted)."""
        return self._lines.bytes_read

    @property
    def encoding(self) -> str:
        """What was met: utf-8, utf-8-sig, latin-1, or utf-8 with some latin-1 lines."""
        lines = self._lines
        if self.bom:
            return "utf-8-sig"
        if lines.fallback_lines and lines.utf8_lines:
            return f"utf-8, {lines.fallback_lines} lines latin-1"
        return "latin-1" if lines.fallback_lines else "utf-8"

    def rows(self, as_dicts: bool = True
             ) -> Iterator[tuple[int, dict[str, str] | list[str]] | Rejection]:
        """(line number, {header: value}) per row, or a Rejection.

        Without a header, or with as_dicts=False, a row is the list of its values (in header
        order: cheaper for a million rows). Blank lines are skipped; with a header, a row must
        have as many fields as it.
        """
        lines = self._lines
        reader = csv.reader(lines, delimiter=self.delimiter, strict=True)
        width = len(self.header)
        while True:
            lines.taken = []
            try:
                fields = next(reader)
            except StopIteration:
                return
            except _LineTooLong as error:
                lines.push_back(lines.taken)
                yield Rejection(error.number, "too_large",
                                f"Line is longer than {MAX_LINE_BYTES // 1024 // 1024} MB "
                                "(a field far too large); it was skipped unread.", error.excerpt)
                continue
            except csv.Error as error:
                yield self._broken(error)
                continue
            if not any(f.strip() for f in fields):
                continue
            if width and len(fields) != width:
                yield self._wrong_width(len(fields), width)
                continue
            number = lines.taken[0][0]
            if lines.nul_lines and any(n in lines.nul_lines for n, _ in lines.taken):
                yield Rejection(number, "malformed", "The row holds a NUL byte (binary data), "
                                "which no text field may hold.",
                                lines.taken[0][1].replace("\x00", "")[:RAW_EXCERPT])
                continue
            yield number, (dict(zip(self.header, fields)) if width and as_dicts else fields)

    def _broken(self, error: csv.Error) -> Rejection:
        """Reject the row's first line; its other lines will be read again."""
        taken = self._lines.taken
        number, text = taken[0] if taken else (self._lines.read_count, "")
        self._lines.push_back(taken[1:])
        message = str(error)
        if "field limit" in message:
            reason = f"A field is longer than {MAX_FIELD_CHARS // 1024} KB."
        elif "unexpected end of data" in message:
            reason = "A quote opened on this line is never closed."
        else:
            reason = f"Broken quoting ({message})."
        return Rejection(number, "malformed", reason, text[:RAW_EXCERPT])

    def _wrong_width(self, count: int, width: int) -> Rejection:
        """Too many or too few fields; a row over several lines is an unclosed quote."""
        taken = self._lines.taken
        number, text = taken[0]
        if len(taken) > 1:
            self._lines.push_back(taken[1:])
            return Rejection(number, "malformed", "A quote opened on this line is not closed "
                             "where it should be (the row ran over the next lines).",
                             text[:RAW_EXCERPT])
        return Rejection(number, "malformed",
                         f"{count} fields where the header has {width}.", text[:RAW_EXCERPT])
