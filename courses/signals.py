"""Extension points announced by ``courses``.

``course_completed`` is sent (after commit) when a person completes an online
course or attends an in-person session, with ``person``, ``course`` or
``session`` (one of them None) and ``completed_on`` (a date). ``certificates``
listens and issues.
"""

from django.dispatch import Signal

course_completed = Signal()
