"""The application workflow, owned in one place.

- `table`: the statuses with their properties (open or decided, what the resident is told, when the retention clock
  starts…) and the moves between them with the role each is made in. Pure data: the model takes its choices from it,
  and every set of statuses anywhere else is derived from it here.
- `moves`: the only code that changes an application's status or its reviewer (move, take, release). The role is
  derived from the actor and the application, and a move's effects (timestamps, telling the resident on the site and
  by mail after commit) belong to the move, not to its caller.

A new status is one `State` and its `Move`s in `table` (plus the migration Django writes for the field's choices);
tests/programs/test_workflow.py adds one to a copy of the table and checks that nothing else needs editing.

`MoveRefused` lives here, with no imports, so that any module can name it.
"""


class MoveRefused(Exception):
    """The move is not in the table, not the actor's, lacks its reason, or somebody moved it first."""

    def __init__(self, message, current_status: str | None = None, code: str = "refused"):
        super().__init__(str(message))
        self.message = message
        self.current_status = current_status
        self.code = code  # "table" (not an allowed move), "reason" (missing), "stale" (somebody moved it first)
