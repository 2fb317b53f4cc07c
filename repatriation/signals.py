"""What repatriation tells later apps without knowing them.

``step_done`` is sent when a step becomes done (not when a done step is saved again), inside
the step update's transaction, after the step is saved: a receiver's writes commit or roll
back with it. Arguments: ``step`` (with ``plan`` and ``plan.case`` loaded) and ``by``.
Reintegration listens for the "handed over" step to schedule the follow-ups."""

from django.dispatch import Signal

step_done = Signal()
