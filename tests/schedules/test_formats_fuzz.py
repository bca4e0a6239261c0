"""Whatever the bytes, reading either succeeds or raises ScheduleInputError: never any
other exception. Mutations start from the real samples so they reach deep into the parsers."""

import copy
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedules.formats import InputFile, ScheduleInputError, read_schedule, write_schedule
from schedules.schedule_data import ScheduleData

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats()
    | st.text(max_size=8)
    | st.sampled_from(["", "start", "stop", "start_mjd", "SchedulingBlock", "1000004990"])
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


@pytest.fixture(scope="module")
def documents(shared_data) -> dict[str, dict]:
    """Valid inputs of every kind: the samples and the samples written in every format."""
    raw = (shared_data / "schedule_raw_one_block.json").read_bytes()
    dark = (shared_data / "dark_periods_raw.json").read_bytes()
    data = read_schedule(InputFile("raw", raw), dark_periods=InputFile("dark", dark))
    visible = ScheduleData(
        **{
            **vars(data),
            "visibility_offsets": np.array([0, 2]),
            "visibility_periods": np.array([[61800.1, 61800.2], [61801.1, 61801.3]]),
            "dark_periods": data.dark_periods[:3],
        }
    )
    written = {fmt: write_schedule(visible, fmt, "fuzz") for fmt in ("raw", "snake_case", "native")}
    return {
        "raw": json.loads(raw),
        "native": json.loads((shared_data / "schedule_native_example.json").read_bytes()),
        "snake_case": json.loads(written["snake_case"].schedule),
        "written native": json.loads(written["native"].schedule),
        "raw visibility": json.loads(written["raw"].visibility),
        "raw dark periods": json.loads(written["raw"].dark_periods),
    }


def read_as(role: str, text: bytes, documents: dict[str, dict]) -> None:
    """Read ``text`` in the role its document came from; only ScheduleInputError may escape."""
    raw_schedule = json.dumps(documents["raw"]).encode()
    try:
        if role == "raw visibility":
            data = read_schedule(
                InputFile("s.json", raw_schedule), visibility=InputFile("v.json", text)
            )
        elif role == "raw dark periods":
            data = read_schedule(
                InputFile("s.json", raw_schedule), dark_periods=InputFile("d.json", text)
            )
        else:
            data = read_schedule(InputFile("s.json", text))
    except ScheduleInputError as error:
        assert error.file in {"s.json", "v.json", "d.json"}
        assert error.message
        return
    assert len(data.visibility_offsets) == data.block_count + 1
    assert data.visibility_periods.shape == (int(data.visibility_offsets[-1]), 2)
    assert len(data.checksum()) == 64


def mutate(document, data: st.DataObject):
    """Replace, delete or add one value somewhere in the document (or replace it whole)."""
    parent, key = None, None
    node = document
    while isinstance(node, (dict, list)) and node and data.draw(st.booleans()):
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        parent, key = node, data.draw(st.sampled_from(keys))
        node = node[key]
    if parent is None:
        return data.draw(json_values)
    action = data.draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "replace":
        parent[key] = data.draw(json_values)
    elif action == "delete":
        del parent[key]
    elif isinstance(parent, dict):
        parent[data.draw(st.text(max_size=8))] = data.draw(json_values)
    else:
        parent.insert(key, data.draw(json_values))
    return document


@FUZZ
@given(text=st.binary(max_size=300), data=st.data())
def test_arbitrary_bytes_never_raise_anything_else(documents, text, data):
    read_as(data.draw(st.sampled_from(sorted(documents))), text, documents)


@FUZZ
@given(data=st.data())
def test_mutated_documents_never_raise_anything_else(documents, data):
    role = data.draw(st.sampled_from(sorted(documents)))
    document = copy.deepcopy(documents[role])
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        document = mutate(document, data)
    read_as(role, json.dumps(document).encode(), documents)


@FUZZ
@given(data=st.data())
def test_damaged_bytes_never_raise_anything_else(documents, data):
    role = data.draw(st.sampled_from(sorted(documents)))
    text = bytearray(json.dumps(documents[role], indent=1).encode())
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        position = data.draw(st.integers(min_value=0, max_value=len(text)))
        action = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        byte = data.draw(st.binary(min_size=1, max_size=3))
        if action == "insert":
            text[position:position] = byte
        elif action == "delete":
            del text[position : position + len(byte)]
        else:
            text[position : position + len(byte)] = byte
    read_as(role, bytes(text), documents)
