"""Stop reading an upload the moment one of its files passes ``TSI_MAX_UPLOAD_BYTES``: a client
that declares no size, or a wrong one, cannot make the server receive more."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts each file's bytes as they arrive; past the limit it marks the request
    (``request.upload_too_large`` names the file) and stops the upload."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.TSI_MAX_UPLOAD_BYTES:
            self.request.upload_too_large = self.file_name
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
