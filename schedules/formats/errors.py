"""The one exception every input problem becomes, so callers need a single ``except``."""


class ScheduleInputError(Exception):
    """Bad input, located precisely enough for a person to fix the file.

    ``location`` is a JSON path such as ``blocks[17].priority``, ``line 3, column 12`` for a
    syntax error, or ``""`` when the problem concerns the whole file.
    """

    def __init__(self, file: str, location: str, message: str) -> None:
        self.file = file
        self.location = location
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.location:
            return f"{self.file}: {self.location}: {self.message}"
        return f"{self.file}: {self.message}"

    # Rebuilt from its three parts when pickled (task results, multiprocessing), not from str().
    def __reduce__(self):
        return type(self), (self.file, self.location, self.message)
