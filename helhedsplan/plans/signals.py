"""Events between apps of the same layer, which may not import each other (``pyproject.toml``'s layers): the one
that decides sends, the one that records listens, both through this lower app."""

from django.dispatch import Signal

#: The plan's bestyrelse approved a version of the plan (``governance``: a decision with ``approves_version``),
#: sent inside the deciding write's transaction, so a refusal of the listener (``versions``: the bestyrelse's
#: sign-off, recorded from the decision) undoes the decision too. Arguments: ``version_id``, ``body`` (the
#: deciding body's name), ``decided_on`` (the meeting's date), ``minutes`` (the meeting's stored minutes, or an
#: empty file), ``reference`` (where the decision is documented, in words), ``actor``.
version_approved_by_board = Signal()
