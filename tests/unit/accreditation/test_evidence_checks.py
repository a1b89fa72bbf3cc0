"""Evidence checks: documents by their content, registrations by their format."""

from __future__ import annotations

from datetime import date

import pytest

from core.accreditation.evidence import (
    MAX_UPLOAD_BYTES,
    Registrations,
    Upload,
    check_document,
    check_registrations,
    missing_evidence,
)
from core.accreditation.models import EvidenceKind
from core.errors import FieldProblem

TODAY = date(2026, 11, 23)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


def test_a_jpeg_named_as_anything_is_a_jpeg_titled_from_its_name():
    document = check_document(Upload("C:\\scans\\dbs_check_2026.pdf", JPEG))
    assert not isinstance(document, FieldProblem)
    assert (document.content_type, document.extension) == ("image/jpeg", "jpg")
    assert document.title == "dbs check 2026"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "must be a PDF, PNG or JPEG"),
        (b"PK\x03\x04 a word document", "must be a PDF, PNG or JPEG"),
        (b"%PDF" + b"0" * MAX_UPLOAD_BYTES, "must be smaller than 10MB"),
        (b"", "is empty"),
    ],
)
def test_other_files_are_refused(data, message):
    problem = check_document(Upload("file.pdf", data))
    assert isinstance(problem, FieldProblem) and message in problem.message


@pytest.mark.parametrize("location", ["1-545611283", "1-10000302982", " 1-123456789 "])
def test_cqc_location_ids_like_the_register(location):
    declared, problems = check_registrations(Registrations(cqc_location_id=location), TODAY)
    assert problems == [] and declared[0].kind == EvidenceKind.CQC


@pytest.mark.parametrize("location", ["1-12345", "RXX123", "2-545611283", "1-54561128a"])
def test_other_cqc_ids_are_refused(location):
    _, problems = check_registrations(Registrations(cqc_location_id=location), TODAY)
    assert [p.field for p in problems] == ["cqc_location_id"]


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("001234567890", True),
        ("0012-3456-7890", True),
        ("12345678901", False),
        ("ABCDEFGHIJKL", False),
    ],
)
def test_dbs_certificate_numbers_are_twelve_digits(number, ok):
    declared, problems = check_registrations(Registrations(dbs_certificate_number=number), TODAY)
    assert (problems == []) is ok
    if ok:
        assert declared[0].reference == "001234567890"


def test_insurance_must_run_past_today_and_a_policy_needs_its_date():
    _, today = check_registrations(Registrations(insurance_expires_on=TODAY), TODAY)
    assert today[0].message == "Insurance expiry date must be in the future"
    _, undated = check_registrations(Registrations(insurance_policy="Careful Mutual"), TODAY)
    assert undated[0].field == "insurance_expires_on"


def test_missing_evidence_names_the_field_that_would_provide_it():
    problems = missing_evidence((EvidenceKind.CQC, EvidenceKind.DOCUMENT), {EvidenceKind.CQC})
    assert [p.field for p in problems] == ["document"]
