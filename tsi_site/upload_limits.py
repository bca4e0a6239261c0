"""Stop reading an upload the moment one of its files passes ``TSI_MAX_UPLOAD_BYTES``, or all
its files together pass the request limit (a bulk upload carries many files): a client that
declares no size, or a wrong one, cannot make the server receive more."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from tsi_site.request_checks import request_limit_bytes


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts each file's bytes, and the request's, as they arrive; past a limit it marks the
    request (``request.upload_too_large`` names the file being received) and stops the
    upload."""

    def __init__(self, request=None) -> None:
        super().__init__(request)
        self.total = 0

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        self.total += len(raw_data)
        if self.received > settings.TSI_MAX_UPLOAD_BYTES or self.total > request_limit_bytes():
            self.request.upload_too_large = self.file_name
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
