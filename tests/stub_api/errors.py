"""Bot API error answers, shaped exactly as Telegram sends them.

PTB turns them into exceptions by HTTP status (400 BadRequest, 403 Forbidden, 401/404
InvalidToken, 409 Conflict, 429 RetryAfter via ``parameters.retry_after``, others
NetworkError), so both the status and the JSON body must match.
"""

from typing import Any

__all__ = ["ApiError", "bad_request", "forbidden"]


class ApiError(Exception):
    """An answer ``{"ok": false, ...}`` with its HTTP status."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        """The JSON body Telegram would send."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(message: str) -> ApiError:
    """A 400 answer; *message* is what follows "Bad Request: "."""
    return ApiError(400, f"Bad Request: {message}")


def forbidden(message: str) -> ApiError:
    """A 403 answer; *message* is what follows "Forbidden: "."""
    return ApiError(403, f"Forbidden: {message}")
