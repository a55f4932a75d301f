"""The HTTP answer for an attachment download, shared by the JSON API and the workspace."""

from fastapi.responses import Response

from goodwill.conversations.attachments import download_headers
from goodwill.conversations.models import Attachment


def attachment_response(attachment: Attachment) -> Response:
    """The stored bytes as a download (never inline), with the type they were uploaded with."""
    return Response(
        content=attachment.content,
        media_type=attachment.content_type,
        headers=download_headers(attachment.filename),
    )
