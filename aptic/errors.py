class BusinessError(Exception):
    """A refusal a person must be able to read: a stable machine ``code``, a translated ``message``.

    Services raise it before they change anything (or inside the transaction they roll back). Pages show
    the message; the API answers ``{"error": {"code", "message", ...}}`` with ``status``.
    """

    code = "refused"
    status = 400

    def __init__(self, message, *, code: str | None = None, status: int | None = None, **details):
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.details = details

    def __str__(self):
        return str(self.message)
