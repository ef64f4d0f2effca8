"""Logging that helps an operator: a refusal (403, 404) is one line, not a traceback."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """Django logs every refused request with the exception that refused it; for a 4xx that
    traceback is the permission check doing its job, and dozens of them hide the real faults.
    Server errors (5xx) keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
