"""A procedure that exists only in the tests, so that the engine's tests do not depend on
disclosure: a penalty-like case with two clocks (the 90-day decision period and the 5-WD
hearing request inside it) and a decision that needs sign-off, 集体讨论 included."""

from __future__ import annotations

from fazhi.procedures import engine
from fazhi.procedures.engine import (
    ALL,
    CLEAR,
    COLLECTIVE,
    LEGAL,
    RESUME,
    REVIEW,
    START,
    STOP,
    Action,
    Clock,
)
from fazhi.procedures.engine import Input as In

CODE = "enginetest"

PROCEDURE = engine.Procedure(
    code=CODE,
    name="引擎测试程序",
    number_word="测",
    initial="open",
    states=(
        engine.State("open", "办理中"),
        engine.State("decided", "已决定", open=False),
    ),
    actions=(
        Action("file", "立案", sources=(), target="open",
               clock=(Clock(START, "penalty.decision", name="decision"),)),
        Action("notify_hearing", "告知听证权利", sources=("open",),
               clock=(Clock(START, "penalty.hearing_request", name="hearing", owed_by="applicant"),)),
        Action("hearing_requested", "当事人要求听证", sources=("open",),
               clock=(Clock(CLEAR, name="hearing"),)),
        Action("suspend", "中止", sources=("open",), inputs=(In("reason", "理由"),),
               clock=(Clock(STOP, name="decision"),)),
        Action("resume", "恢复", sources=("open",), clock=(Clock(RESUME, name="decision"),)),
        Action("stop_hearing", "中止听证期限", sources=("open",),
               clock=(Clock(STOP, name="hearing"),)),
        Action("decide", "作出决定", sources=("open",), target="decided",
               inputs=(In("result", "决定内容", kind="textarea"),),
               clock=(Clock(CLEAR, name=ALL),), approval=(REVIEW, LEGAL, COLLECTIVE)),
    ),
)  # fmt: skip
