"""The saved plan as an iCalendar file (RFC 5545): the download at /me/plan/calendar.ics and the private feed a
phone's calendar subscribes to. Every upcoming dated entry is an all-day event (the undated ones have no date to
give); an application window's opening carries an alarm at 09:00 that day, its closing one at 09:00 N days before
(the resident's setting), except for programs whose reminders they turned off."""

import datetime

from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from programs.screener import planner

from .selectors import Entry

ALARM_HOUR = datetime.timedelta(hours=9)  # an all-day event starts at midnight: ring at nine


def alarm_trigger(entry: Entry, days: int) -> datetime.timedelta | None:
    if entry.kind == "window_start":
        return ALARM_HOUR
    if entry.kind == "window_end":
        return -datetime.timedelta(days=days) + ALARM_HOUR
    return None


def plan_ics(entries: list[Entry], *, today, stamp, url_for, days: int, muted: set[int]) -> bytes:
    cal = Calendar.new(prodid=planner.PRODID, name=_("맘(MOM)편한 광주 내 신청 일정"))
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    for e in entries:
        if e.day is None or e.is_past(today):
            continue
        url = url_for(e.program)
        summary = f"{e.program.tr.title}: {e.text}"
        description = "\n".join(filter(None, [e.label, summary, url]))
        if e.group == "check":
            description += "\n" + _("받을 수 있는지 확인이 필요해요: 담당 부서에 문의하세요.")
        if e.source is not None:
            description += "\n" + _("날짜의 근거: %(issuer)s, %(title)s") % {
                "issuer": e.source.issuer,
                "title": e.source.title,
            }
        event = Event.new(
            uid=e.uid,
            stamp=stamp,
            start=e.day,
            end=e.day + datetime.timedelta(days=1),
            summary=summary,
            description=description,
            url=url,
        )
        event.add("transp", "TRANSPARENT")  # a reminder, not a busy day
        trigger = alarm_trigger(e, days)
        if trigger is not None and e.program.pk not in muted:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary)
            alarm.add("trigger", trigger)
            event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
