import datetime as dt

import pytest

from session.idle import IdlePolicy, IdleTimeouts, parse_closing_time


class FakeTime:
    def __init__(self):
        self.t = 1000.0
        self.wall = dt.datetime(2026, 11, 23, 17, 0, 0)

    def now(self):
        return self.t

    def walltime(self):
        return self.wall

    def advance(self, seconds):
        self.t += seconds
        self.wall += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock():
    return FakeTime()


def policy(clock, **kw):
    return IdlePolicy(
        IdleTimeouts(first=60, step=180, scan=300, mediator=900, warning=30), now=clock.now, wall=clock.walltime, **kw
    )


@pytest.mark.parametrize("context, limit", [("first", 60), ("step", 180), ("scan", 300), ("mediator", 900)])
def test_each_context_has_its_timeout_then_a_warning(clock, context, limit):
    p = policy(clock)
    p.set_context(context)
    clock.advance(limit - 1)
    assert p.state().phase == "active"
    clock.advance(1)
    state = p.state()
    assert state.phase == "warning" and state.remaining == 30
    clock.advance(29.5)
    assert p.state().phase == "warning" and p.state().remaining == pytest.approx(0.5)
    clock.advance(0.5)
    assert p.state().phase == "expired" and p.state().reason == "idle"


def test_a_touch_rearms(clock):
    p = policy(clock)
    p.set_context("step")
    clock.advance(200)
    assert p.state().phase == "warning"
    p.touched()
    assert p.state().phase == "active"


def test_closing_time_ends_sessions_begun_before_it(clock):
    p = policy(clock, closing_time=parse_closing_time("17:30"))
    p.set_context("mediator")
    p.session_started()
    clock.advance(29 * 60)
    p.touched()
    assert p.state().phase == "active"  # a minute before closing
    clock.advance(40)
    p.touched()
    state = p.state()
    assert (state.phase, state.reason, state.remaining) == ("warning", "closing", 20)
    clock.advance(20)
    assert (p.state().phase, p.state().reason) == ("expired", "closing")
    # A session begun after closing is not ended by it.
    p.session_ended()
    p.session_started()
    p.set_context("step")
    assert p.state().phase == "active"


def test_unknown_context_refused(clock):
    with pytest.raises(ValueError):
        policy(clock).set_context("lunch")
