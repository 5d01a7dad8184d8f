"""What happens in the emergency plan, told to whoever listens (the ``notifications`` app mails the people
concerned). Sent by ``preparedness.services`` once the write is committed:

- ``incident_opened``  ``incident`` (a new ``Incident``), ``actor``
"""

from django.dispatch import Signal

incident_opened = Signal()
