"""Every kind of program has its page's sections: a published 기반 조성 사업 (kind "project", one in the 2026 seed)
answered 500 on its page (KeyError in fact_sections), found by ./run scan's crawl."""

import pytest

from programs.models import Program
from programs.presentation import SECTIONS_BY_KIND, fact_sections
from tests import factories


def test_every_kind_has_its_sections():
    assert set(SECTIONS_BY_KIND) == set(Program.Kind.values)


@pytest.mark.parametrize("kind", Program.Kind.values)
def test_each_kinds_page_opens(client, db, kind):
    program = factories.program(kind=kind)
    assert fact_sections(program)
    assert client.get(program.get_absolute_url()).status_code == 200
