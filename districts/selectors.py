"""Reads of the districts app that a page shows."""

from dataclasses import dataclass, field

from .models import District, Office


@dataclass
class DistrictOffices:
    """A district's own office (구청) and its 행정복지센터, each with its source; empty where none is recorded."""

    main: Office | None = None
    centers: list[Office] = field(default_factory=list)


def district_offices(district: District) -> DistrictOffices:
    """One query, whatever the number of offices (the district page's query count is asserted)."""
    found = DistrictOffices()
    for office in Office.objects.filter(district=district):
        if office.kind == Office.Kind.DISTRICT_OFFICE:
            found.main = found.main or office
        else:
            found.centers.append(office)
    return found
