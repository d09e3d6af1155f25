"""Power states of a guest, with nova's numbers (the ``OS-EXT-STS:
power_state`` of the server views)."""

NOSTATE = 0
RUNNING = 1
PAUSED = 3
SHUTDOWN = 4
CRASHED = 6
SUSPENDED = 7
