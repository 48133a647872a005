"""Migration 0003 (the procedure lifecycle) down and up again on a database with dossiers."""

from __future__ import annotations

from fixtures_lifecycle import AUTHOR, GPXD_CODE, add_iso_secretary
from fixtures_services import AGENCY, TUESDAY, seed
from sqlalchemy import inspect

from isobpmn.engine import ManualClock
from isobpmn.services import Services
from isobpmn.store import head, migrate, schema_differences, upgrade


def test_down_to_0002_and_up_keeps_versions_and_dossiers(database):
    services = Services(database, ManualClock(TUESDAY))
    seed(services)
    add_iso_secretary(services)
    receipt = services.receive_dossier(GPXD_CODE, AGENCY, "Lê Văn Cường", actor="motcua")
    draft = services.new_draft(GPXD_CODE, AUTHOR, agency=AGENCY)
    services.submit_version(draft.id, AUTHOR)
    services.review_version(draft.id, "isosec", comment="Bổ sung căn cứ", verdict="changes")

    assert migrate.downgrade(database, "0002").after == "0002"
    tables = inspect(database.engine)
    assert "version_reviews" not in tables.get_table_names()
    assert "saved_by" not in {c["name"] for c in tables.get_columns("procedure_versions")}

    assert upgrade(database).after == head()
    assert schema_differences(database) == []
    assert services.case_view(receipt.case_code).revision == 2
    again = services.version_view(draft.id, AUTHOR)
    assert (again.status, again.reviews, again.saved_by) == ("draft", (), None)
