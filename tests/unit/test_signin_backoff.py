"""Wrong passwords: an increasing delay per user name (the clock is given, nothing sleeps),
and every failed attempt in the event log, without the password, shown in the access log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from supervision_audit.errors import LockedOutError, WrongKeyError
from supervision_audit.services.access_log import access_log
from supervision_audit.services.accounts import create_account
from supervision_audit.services.signin import FirstRun, first_run, sign_in
from supervision_audit.services.signin_guard import (
    FIRST_DELAY,
    FREE_FAILURES,
    LONGEST_DELAY,
    UNKNOWN,
    delay_after,
    guard_path,
)
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff

ADMIN_PW, PAT_PW = "admin password 1", "pat password 1"
WRONG = [f"wrong guess number {n}" for n in range(10)]


class Clock:
    """The time now, moved on by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def wait(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture(params=[True, False], ids=["encrypted", "plain"])
def org(request, tmp_path):
    opened, _ = first_run(tmp_path / "org.sqlite", FirstRun(
        "Org", "Ada Admin", "AD1", "ada", ADMIN_PW, encrypted=request.param))
    with opened.store.write() as s:
        save_staff(s, opened.actor, StaffInput("P1", "Pat Worker"))
        create_account(s, opened.actor, opened.vault, get_by_staff_id(s, "P1").id, "pat",
                       PAT_PW)
    opened.store.close()
    return tmp_path / "org.sqlite"


def test_the_delay_doubles_after_the_free_failures_up_to_a_limit() -> None:
    assert [delay_after(n) for n in range(FREE_FAILURES)] == [timedelta(0)] * FREE_FAILURES
    assert delay_after(FREE_FAILURES) == FIRST_DELAY
    assert delay_after(FREE_FAILURES + 1) == 2 * FIRST_DELAY
    assert delay_after(FREE_FAILURES + 20) == LONGEST_DELAY


def test_repeated_wrong_passwords_lock_the_user_name_for_longer_each_time(org) -> None:
    clock = Clock()
    for n in range(FREE_FAILURES - 1):
        with pytest.raises(WrongKeyError) as caught:
            sign_in(org, "pat", WRONG[n], clock=clock)
        assert not isinstance(caught.value, LockedOutError)
    with pytest.raises(LockedOutError) as caught:
        sign_in(org, "pat", WRONG[3], clock=clock)
    assert caught.value.until == clock.now + FIRST_DELAY
    assert "wait 30 seconds" in str(caught.value)
    clock.wait(10)  # still locked: even the right password is not tried
    with pytest.raises(LockedOutError, match="Wait 20 seconds"):
        sign_in(org, "pat", PAT_PW, clock=clock)
    opened = sign_in(org, "ada", ADMIN_PW, clock=clock)  # another user name is not held up
    opened.store.close()
    clock.wait(21)
    with pytest.raises(LockedOutError) as caught:
        sign_in(org, "pat", WRONG[4], clock=clock)
    assert caught.value.until == clock.now + 2 * FIRST_DELAY
    clock.wait(61)
    opened = sign_in(org, "pat", PAT_PW, clock=clock)  # the right one, after the wait
    opened.store.close()
    with pytest.raises(WrongKeyError) as caught:  # a success starts the count again
        sign_in(org, "pat", WRONG[5], clock=clock)
    assert not isinstance(caught.value, LockedOutError)


def test_every_failed_attempt_is_logged_without_the_password(org) -> None:
    clock = Clock()
    for password in WRONG[:FREE_FAILURES]:
        with pytest.raises(WrongKeyError):
            sign_in(org, "pat", password, clock=clock)
    with pytest.raises(LockedOutError):
        sign_in(org, "pat", PAT_PW, clock=clock)
    with pytest.raises(WrongKeyError):
        sign_in(org, "typed-my-password-here", WRONG[6], clock=clock)
    kept = guard_path(org).read_text()
    assert "pat password" not in kept and "wrong guess" not in kept
    assert "typed-my-password-here" not in kept and UNKNOWN in kept
    opened = sign_in(org, "ada", ADMIN_PW, clock=clock)
    try:
        with opened.store.write() as s:
            rows = [r for r in access_log(s, opened.actor) if r["action"] == "sign_in.failed"]
    finally:
        opened.store.close()
    assert [r["who"] for r in rows] == [UNKNOWN] + ["pat"] * (FREE_FAILURES + 1)
    assert all(r["about"] == "Pat Worker (P1)" for r in rows[1:])
    assert "refused: too many wrong passwords" in rows[1]["detail"]
    assert all("not right" in r["detail"] for r in rows[2:])
    assert not any("wrong guess" in str(r) or PAT_PW in str(r) for r in rows)
    assert "pending" not in guard_path(org).read_text() or '"pending": []' in \
        guard_path(org).read_text()
    again = sign_in(org, "ada", ADMIN_PW, clock=clock)  # logged once, not again
    try:
        with again.store.write() as s:
            assert len([r for r in access_log(s, again.actor)
                        if r["action"] == "sign_in.failed"]) == len(rows)
    finally:
        again.store.close()
