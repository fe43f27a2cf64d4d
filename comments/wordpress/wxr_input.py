"""The bytes of a WXR file on their way to the parser (see wxr.py).

Before the parser sees anything, the prolog is checked: the root must be
<rss>, and a DTD is refused outright (WordPress never writes one; a DTD is how
billion-laughs and external-entity attacks get in). On the way, UTF-8 is
validated so that a bad byte is named with its line, gzip is undone, and the
end of the file is noted, so that a parse error there reads as truncation.
"""

import codecs
import gzip
import os
import re
import zlib
from typing import BinaryIO

from lxml import etree

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 64 * 1024
_PROLOG_LIMIT = 1024 * 1024
# C0 controls that XML 1.0 forbids outright. WordPress copies them into its
# CDATA unchanged (a comment pasted from a word processor), which would make
# the whole export unreadable; they are dropped instead.
_FORBIDDEN_CONTROLS = bytes(c for c in range(32) if c not in (9, 10, 13))
_LIBXML_POSITION = re.compile(r", line \d+, column \d+$")

DTD_REFUSED = (
    "The file declares a DTD/entities; WordPress never writes one: refused "
    "(entity expansion / external entities are not read)"
)


class WxrError(Exception):
    """The file cannot be read as a WordPress export; the message says why."""


def open_wxr(path) -> BinaryIO:
    """Open an export for reading as bytes, gunzipped when it is gzip."""
    try:
        with open(path, "rb") as probe:
            compressed = probe.read(2) == _GZIP_MAGIC
        return gzip.open(path, "rb") if compressed else open(path, "rb")
    except OSError as error:
        raise WxrError(f"Cannot open {os.fspath(path)}: {error.strerror or error}") from None


def gunzipped(file) -> BinaryIO:
    """The file object itself, or its gunzipped content when it is gzip."""
    magic = file.read(2)
    prefixed = _Prefixed(magic, file)
    return gzip.GzipFile(fileobj=prefixed, mode="rb") if magic == _GZIP_MAGIC else prefixed


class _Prefixed:
    """A file object whose first bytes were already read from it."""

    def __init__(self, prefix: bytes, file):
        self._prefix = prefix
        self._file = file

    def read(self, size=-1):
        if not self._prefix:
            return self._file.read(size)
        if size is None or size < 0:
            data, self._prefix = self._prefix + self._file.read(), b""
            return data
        data, self._prefix = self._prefix[:size], self._prefix[size:]
        return data


class Stream:
    """What lxml reads: the file after its prolog was checked, validated as
    UTF-8 on the way when it says it is, without forbidden control bytes."""

    def __init__(self, raw):
        self._raw = raw
        self._head, self.encoding = _read_prolog(self._read_raw)
        self._check_utf8 = self.encoding.lower() in ("", "utf-8", "utf8")
        self._pending = b""  # an incomplete UTF-8 sequence ending the last chunk
        self._newlines = 0
        self._at_eof = False
        self._tail = b""

    def read(self, size=_CHUNK):
        size = size if size and size > 0 else _CHUNK
        if self._head:
            data, self._head = self._head[:size], self._head[size:]
        else:
            data = self._read_raw(size)
        if self._check_utf8:
            self._validate_utf8(data)
        self._newlines += data.count(b"\n")
        if data:
            self._tail = (self._tail + data)[-64:]
        else:
            self._at_eof = True
        return data.translate(None, _FORBIDDEN_CONTROLS)

    def explain(self, error: etree.XMLSyntaxError) -> WxrError:
        """The parser's complaint as one line for the user."""
        line = error.position[0] if error.position else 0
        complete = self._tail.rstrip().endswith(b"</rss>")
        if self._at_eof and not complete and error.code != etree.ErrorTypes.ERR_DOCUMENT_END:
            return WxrError(f"The file ends in the middle (line {line}): truncated?")
        message = _LIBXML_POSITION.sub("", error.msg or str(error))
        if "Invalid bytes in character encoding" in message:
            return WxrError(
                f"The file is not valid {self.encoding} (line {line}): export it again as UTF-8"
            )
        return WxrError(f"The file is not well-formed XML (line {line}): {message}")

    def _read_raw(self, size):
        try:
            return self._raw.read(size)
        except EOFError:
            raise WxrError("The gzip file ends in the middle: truncated?") from None
        except (gzip.BadGzipFile, zlib.error):
            raise WxrError("The gzip file is damaged: compress the export again") from None
        except OSError as error:
            raise WxrError(f"Cannot read the file: {error.strerror or error}") from None

    def _validate_utf8(self, data):
        buffer = self._pending + data
        try:
            _, used = codecs.utf_8_decode(buffer, "strict", not data)
        except UnicodeDecodeError as error:
            line = self._newlines + buffer.count(b"\n", 0, error.start) + 1
            raise WxrError(
                f"The file is not valid UTF-8 (line {line}, byte 0x{buffer[error.start]:02X}): "
                "export it again as UTF-8"
            ) from None
        self._pending = buffer[used:]


def _read_prolog(read_raw) -> tuple[bytes, str]:
    """Read up to the root element; return the bytes read and the declared
    encoding. Refuse what is no WXR, and any DTD, before parsing anything."""
    head = b""
    while True:
        chunk = read_raw(_CHUNK)
        head += chunk
        encoding = _scan_prolog(head, final=not chunk)
        if encoding is not None:
            return head, encoding
        if len(head) > _PROLOG_LIMIT:
            raise WxrError("Not a WordPress export (WXR): no XML element in the first megabyte")


def _scan_prolog(head: bytes, final: bool) -> str | None:
    """The declared encoding once the root element starts in `head`; None
    when more bytes are needed."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head[:4]:
        raise WxrError("The file is UTF-16 or UTF-32 encoded: export it again as UTF-8")
    pos = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    encoding = ""
    while True:
        while pos < len(head) and head[pos] in b" \t\r\n":
            pos += 1
        if pos >= len(head) or (len(head) - pos < 300 and not final and b">" not in head[pos:]):
            return _need_more(final, head)
        if head.startswith((b"<?", b"<!--"), pos):
            closing = b"?>" if head.startswith(b"<?", pos) else b"-->"
            end = head.find(closing, pos + 2)
            if end < 0:
                return _need_more(final, head)
            if head.startswith(b"<?xml", pos):
                encoding = _declared_encoding(head[pos:end])
            pos = end + len(closing)
        elif head[pos : pos + 9].upper() == b"<!DOCTYPE":
            match = re.match(rb"<!DOCTYPE\s+([^\s\[>]+)", head[pos : pos + 300], re.IGNORECASE)
            if match and match.group(1) != b"rss":
                raise _not_wxr_root(match.group(1))
            raise WxrError(DTD_REFUSED)
        elif re.match(rb"<[^\s!?/<>]", head[pos : pos + 2]):
            name = re.match(rb"<([^\s/>]*)", head[pos : pos + 300]).group(1)
            if name != b"rss":
                raise _not_wxr_root(name)
            return encoding
        else:
            raise WxrError("Not a WordPress export (WXR): the file is not XML")


def _need_more(final: bool, head: bytes) -> None:
    if not final:
        return None
    if not head.strip():
        raise WxrError("The file is empty")
    raise WxrError("The file ends before its first element: truncated, or not XML?")


def _declared_encoding(declaration: bytes) -> str:
    match = re.search(rb"encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']", declaration)
    return match.group(1).decode("ascii") if match else ""


def _not_wxr_root(name: bytes) -> WxrError:
    shown = name.decode("utf-8", "replace")[:40]
    return WxrError(f"Not a WordPress export (WXR): the root element is <{shown}>")
