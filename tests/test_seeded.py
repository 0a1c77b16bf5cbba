"""The tests' copy of the seed catalogue (tests/seeded.py) is what `seed` writes, row for row."""

from django.core.management import call_command

from tests.seeded import seed_load


def test_the_copy_holds_every_row_seed_wrote_with_the_same_values(db, seed_copy):
    assert {model._meta.label for model in seed_copy} >= {
        "programs.Program",
        "programs.HistoricalProgram",  # history records too: pages show "최근 변경"
        "programs.Program_stages",
        "programs.Rule",
        "programs.Source",
        "districts.District",
    }
    from programs.models import CatalogueRevision

    seed_load(seed_copy)
    for model, rows in seed_copy.items():
        pk = model._meta.pk.attname
        if model is CatalogueRevision:  # bumped once more on loading, as seed's every save does: checked below
            assert model.objects.get().number == rows[0]["number"] + 1
            continue
        assert list(model._base_manager.order_by(pk).values()) == sorted(rows, key=lambda row: row[pk]), model


def test_seed_finds_nothing_to_do_on_the_copy(db, seed_copy, capsys):
    seed_load(seed_copy)
    call_command("seed")
    assert "nothing to do" in capsys.readouterr().out


def test_a_row_made_after_the_copy_gets_a_new_id(db, seed_copy):
    from programs.models import Source

    seed_load(seed_copy)
    highest = max(row["id"] for row in seed_copy[Source])
    assert Source.objects.create(key="after-the-copy", title="t", url="https://example.org/").pk > highest
