"""JSON bytes to typed objects with msgspec, every failure turned into a located error.

msgspec decodes straight into typed structs (fast, little memory) and reports where a value
was wrong as ``$.blocks[17].priority``; this module checks what msgspec does not (encoding,
emptiness, nesting depth) and rewrites msgspec's messages for people.
"""

from __future__ import annotations

import codecs
import functools
import re
from typing import Any

import msgspec
import numpy as np
from django.conf import settings

from schedules.formats.errors import ScheduleInputError
from schedules.formats.input_file import InputFile, check_size

_UTF8_BOM = b"\xef\xbb\xbf"
_WHITESPACE_ONLY = re.compile(rb"[ \t\r\n]*\Z")
_UTF8_CHUNK_BYTES = 1 << 24

_VALIDATION_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>.*)`)?$", re.DOTALL)
_EXPECTED = re.compile(r"^Expected `(?P<expected>[^`]+)`, got `(?P<got>[^`]+)`$")
_MISSING_FIELD = re.compile(r"^Object missing required field `(?P<field>[^`]+)`$")
_ARRAY_LENGTH = re.compile(r"^Expected `array` of length (?P<length>\d+)$")
_MALFORMED_AT = re.compile(
    r"^(?:JSON is malformed: )?(?P<what>.*?)(?: \(byte (?P<offset>\d+)\))?$", re.DOTALL
)
_NON_FINITE_TOKEN = re.compile(rb"-?(?:NaN|Infinity)")
_TYPE_NAMES = {
    "int": "an integer",
    "float": "a number",
    "str": "a string",
    "bool": "true or false",
    "null": "null",
    "object": "an object",
    "array": "an array",
    "datetime": "an ISO-8601 time",
}
_ANY_KEY = "[...]"  # how msgspec writes "some key of a JSON object" in a path

_STRUCTURE = b'[]{}"'
_NOT_STRUCTURE = bytes(sorted(set(range(256)) - set(_STRUCTURE)))
_DEPTH_STEPS = bytes(
    1 if byte in b"[{" else 255 if byte in b"]}" else 0 for byte in range(256)
)  # +1 / -1 as int8


def prepare(file: InputFile) -> bytes:
    """The file's JSON text after the checks msgspec does not make: size, emptiness and
    encoding. A UTF-8 byte-order mark is dropped, since editors on Windows add one."""
    check_size(file.name, len(file.data))
    data = file.data
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    if _WHITESPACE_ONLY.match(data):
        raise ScheduleInputError(file.name, "", "file is empty")
    wide = _wide_encoding(data)
    if wide:
        raise ScheduleInputError(file.name, "", f"file is {wide} encoded; expected UTF-8")
    _check_utf8(file.name, data)
    return data


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16/32 shows itself by a byte-order mark or by NUL bytes around the first ASCII
    character, which a JSON document always starts with."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = data[:4]
    if len(head) == 4 and (head[:3] == b"\x00\x00\x00" or head[1:] == b"\x00\x00\x00"):
        return "UTF-32"
    if len(head) >= 2 and (head[0] == 0) != (head[1] == 0):
        return "UTF-16"
    return None


def _check_utf8(name: str, data: bytes) -> None:
    if data.isascii():
        return
    # In chunks, so a large file is never held twice as a str.
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for start in range(0, len(data), _UTF8_CHUNK_BYTES):
        pending = len(decoder.getstate()[0])
        end = start + _UTF8_CHUNK_BYTES
        try:
            decoder.decode(view[start:end], final=end >= len(data))
        except UnicodeDecodeError as error:
            offset = start - pending + error.start
            raise ScheduleInputError(
                name, line_column(data, offset), f"invalid UTF-8 byte 0x{data[offset]:02x}"
            ) from None


def line_column(data: bytes, offset: int) -> str:
    """``line L, column C`` (both from 1, columns in characters) of a byte offset."""
    line = data.count(b"\n", 0, offset) + 1
    segment = data[data.rfind(b"\n", 0, offset) + 1 : offset]
    column = len(segment) if segment.isascii() else len(segment.decode("utf-8", "replace"))
    return f"line {line}, column {column + 1}"


@functools.cache
def _decoder(target_type: Any) -> msgspec.json.Decoder:
    return msgspec.json.Decoder(target_type)


def decode(
    name: str,
    data: bytes,
    target_type: Any,
    *,
    keyed: dict[str, Any] | None = None,
) -> Any:
    """Decode ``data`` into ``target_type`` or raise a located ``ScheduleInputError``.

    ``keyed`` maps the path (``""`` for the top level) of each JSON object whose keys are data
    (block ids) to the type of its values, so an error inside one can name the key instead
    of msgspec's ``[...]``.
    """
    try:
        return _decoder(target_type).decode(data)
    except msgspec.ValidationError as error:
        location, message = _explain_validation(error)
        if _ANY_KEY in location and keyed:
            location = _name_the_key(data, location, keyed)
        raise ScheduleInputError(name, location, message) from None
    except msgspec.DecodeError as error:
        raise _syntax_error(name, data, error) from None
    except RecursionError:
        raise ScheduleInputError(name, "", _too_deep_message()) from None


def _explain_validation(error: msgspec.ValidationError) -> tuple[str, str]:
    match = _VALIDATION_AT.match(str(error))
    assert match is not None  # the pattern matches any text
    path = (match["path"] or "").removeprefix(".")
    raw_message = match["message"]
    expected = _EXPECTED.match(raw_message)
    missing = _MISSING_FIELD.match(raw_message)
    if expected:
        wanted = _either(
            [_TYPE_NAMES.get(kind, kind) for kind in expected["expected"].split(" | ")]
        )
        got = _TYPE_NAMES.get(expected["got"], expected["got"])
        if not path and "object" in expected["expected"]:
            return path, f"expected a JSON object at the top level, got {got}"
        return path, f"expected {wanted}, got {got}"
    if missing:
        return path, f'missing required field "{missing["field"]}"'
    array_length = _ARRAY_LENGTH.match(raw_message)
    if array_length:
        return path, f"expected an array of {array_length['length']} elements"
    if raw_message == "Invalid RFC3339 encoded datetime":
        return path, 'expected an ISO-8601 time such as "2028-01-01T19:30:00Z" or an MJD number'
    if raw_message == "Number out of range":
        return path, "number is out of range (larger than a double-precision float can hold)"
    if raw_message == "Integer value out of range":
        return path, "integer is out of range"
    return path, raw_message[:1].lower() + raw_message[1:]


def _either(choices: list[str]) -> str:
    return choices[0] if len(choices) == 1 else f"{', '.join(choices[:-1])} or {choices[-1]}"


def _name_the_key(data: bytes, location: str, keyed: dict[str, Any]) -> str:
    """Replace msgspec's ``[...]`` by the key whose value fails, found by decoding the keyed
    object entry by entry (only on this error path, so the fast path stays one pass)."""
    mapping_path, _, _ = location.partition(_ANY_KEY)
    value_type = keyed.get(mapping_path)
    if value_type is None:
        return location
    try:
        mapping = data
        for field in filter(None, mapping_path.split(".")):
            mapping = msgspec.json.decode(mapping, type=dict[str, msgspec.Raw])[field]
        entries = msgspec.json.decode(mapping, type=dict[str, msgspec.Raw])
    except (msgspec.DecodeError, KeyError):
        # Not expected for a path msgspec reported; its own path is still right then.
        return location
    for key, raw_value in entries.items():
        try:
            _decoder(value_type).decode(raw_value)
        except msgspec.ValidationError as error:
            inner, _ = _explain_validation(error)
            return _join(_join(mapping_path, key_path(key)), inner)
    return location


def key_path(key: str) -> str:
    """Path step for a key of a JSON object keyed by data, e.g. ``["1000004990"]``."""
    return "[" + msgspec.json.encode(key).decode() + "]"


def _join(prefix: str, path: str) -> str:
    if not prefix or not path:
        return prefix or path
    return prefix + path if path.startswith("[") else f"{prefix}.{path}"


def _syntax_error(name: str, data: bytes, error: msgspec.DecodeError) -> ScheduleInputError:
    text = str(error)
    if text == "Input data was truncated":
        return ScheduleInputError(
            name, line_column(data, len(data)), "unexpected end of file: the JSON is incomplete"
        )
    match = _MALFORMED_AT.match(text)
    assert match is not None  # the pattern matches any text
    if match["offset"] is None:
        return ScheduleInputError(name, "", f"invalid JSON: {match['what']}")
    offset = int(match["offset"])
    if match["what"] == "trailing characters":
        # msgspec points just past the first character after the document.
        offset = max(offset - 1, 0)
    token_start = offset - 1 if data[offset - 1 : offset] == b"-" else offset
    if _NON_FINITE_TOKEN.match(data, token_start):
        offset = token_start
        message = "NaN and Infinity are not valid JSON numbers"
    elif match["what"] == "invalid character":
        character = data[offset : offset + 1].decode("utf-8", "replace")
        message = f"invalid JSON: unexpected character {character!r}"
    elif match["what"] == "trailing characters":
        message = "invalid JSON: unexpected text after the end of the document"
    else:
        message = f"invalid JSON: {match['what']}"
    return ScheduleInputError(name, line_column(data, offset), message)


def check_depth(name: str, data: bytes) -> None:
    """Refuse nesting deeper than ``TSI_MAX_JSON_DEPTH``; ``data`` must be valid JSON."""
    depth = json_depth(data)
    if depth > settings.TSI_MAX_JSON_DEPTH:
        raise ScheduleInputError(name, "", _too_deep_message(depth))


def _too_deep_message(depth: int | None = None) -> str:
    limit = settings.TSI_MAX_JSON_DEPTH
    found = f"{depth} levels deep" if depth is not None else "far too deeply"
    return f"JSON is nested {found}; the limit is {limit} levels (TSI_MAX_JSON_DEPTH)"


def json_depth(data: bytes) -> int:
    """Deepest nesting of arrays and objects in valid JSON, ignoring brackets in strings.

    Works on the skeleton of brackets and quotes (one C-speed ``translate`` pass), so a
    100 MB file costs a fraction of a second and no per-character Python loop.
    """
    if b"\\" in data:
        # Without escape pairs no quote inside a string can be mistaken for its end.
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    skeleton = data.translate(None, _NOT_STRUCTURE)
    if skeleton.count(b'""') * 2 == skeleton.count(b'"'):
        # Every run of quotes is even, so an even number of quotes precedes each bracket:
        # no string holds a bracket and every bracket is structure.
        steps = np.frombuffer(skeleton.translate(_DEPTH_STEPS, b'"'), dtype=np.int8)
    else:
        quotes = np.frombuffer(skeleton, dtype=np.uint8) == ord('"')
        inside_string = np.bitwise_xor.accumulate(quotes.view(np.uint8)).view(bool)
        steps = np.frombuffer(skeleton.translate(_DEPTH_STEPS), dtype=np.int8).copy()
        steps[inside_string] = 0
    return int(np.cumsum(steps, dtype=np.int32).max(initial=0))
