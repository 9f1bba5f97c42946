"""Issue 11 item 2 beyond the environment: a ChangeTracker listener's failure is masked
against every secret of the environments it records, in every form."""

from __future__ import annotations

from urllib.parse import quote

from confwarden.config.change_tracker import ChangeTracker, TrackedChange
from confwarden.environment.isolated import IsolatedEnvironment

OTHER = "Other-Secret-9f8e7d\\x"
CHANGED = "Changed-Secret-1a2b3c/y"


def test_tracker_listener_errors_are_masked_against_every_known_secret() -> None:
    env = IsolatedEnvironment(environ={"API_TOKEN": OTHER}, isolated=True)
    tracker = ChangeTracker()
    tracker.attach(env)

    def loud(record: TrackedChange) -> None:
        raise ValueError(f"{OTHER!r} {OTHER.upper()} {quote(CHANGED, safe='')} {CHANGED.lower()}")

    tracker.add_callback(loud)
    env.set("JWT_SECRET_KEY", CHANGED, source="test")  # critical: listeners are called
    (message,) = tracker.callback_errors
    assert "ValueError" in message
    assert "secret-9f8e7d" not in message.lower()
    assert "secret-1a2b3c" not in message.lower()
