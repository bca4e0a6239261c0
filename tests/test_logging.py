"""Structured logs: one JSON object per line with the message, level and extra fields."""

import json
import logging

from tsi_site.log_formatting import JsonFormatter


def test_json_formatter_writes_one_object_per_record():
    record = logging.makeLogRecord(
        {
            "name": "schedules.pipeline.ingest",
            "levelname": "INFO",
            "msg": "Ingested %s",
            "args": (7,),
        }
    )
    record.schedule_id = 7
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "Ingested 7"
    assert (entry["level"], entry["logger"], entry["schedule_id"]) == (
        "INFO",
        "schedules.pipeline.ingest",
        7,
    )
    assert entry["time"].endswith("+00:00")
