"""What a provider may send as evidence: uploaded documents and declared registrations.

Documents are recognised by their content (never their name): PDF, PNG or JPEG
only, at most 10 MB. Registrations are checked for their format: a CQC location
ID (``1-`` and digits), a 12-digit DBS certificate number, insurance with an
expiry date still to come. Every refusal is a :class:`FieldProblem` naming the
form field, in words a provider can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import filetype

from core.accreditation.models import EvidenceKind
from core.errors import FieldProblem

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
CQC_LOCATION_ID = re.compile(r"1-\d{9,11}")
DBS_CERTIFICATE_NUMBER = re.compile(r"\d{12}")
TITLE_LENGTH = 200
REFERENCE_LENGTH = 200

KIND_LABELS: dict[EvidenceKind, str] = {
    EvidenceKind.DOCUMENT: "Document",
    EvidenceKind.CQC: "CQC registration",
    EvidenceKind.DBS: "DBS check",
    EvidenceKind.INSURANCE: "Insurance",
    EvidenceKind.OTHER_REGISTRATION: "Other registration",
}
# What each required kind asks of the provider, and the form field that provides it.
REQUIRED_WORDS: dict[EvidenceKind, tuple[str, str]] = {
    EvidenceKind.DOCUMENT: ("document", "at least one document, such as a policy or certificate"),
    EvidenceKind.CQC: ("cqc_location_id", "your CQC location ID"),
    EvidenceKind.DBS: ("dbs_certificate_number", "a DBS certificate number"),
    EvidenceKind.INSURANCE: ("insurance_expires_on", "your insurance and the date it expires"),
    EvidenceKind.OTHER_REGISTRATION: (
        "other_name",
        "another registration, such as Ofsted, and its reference",
    ),
}


# The same, as the council's officers read it.
COUNCIL_WORDS: dict[EvidenceKind, str] = {
    EvidenceKind.DOCUMENT: "a document",
    EvidenceKind.CQC: "a CQC location ID",
    EvidenceKind.DBS: "a DBS certificate number",
    EvidenceKind.INSURANCE: "insurance with its expiry date",
    EvidenceKind.OTHER_REGISTRATION: "another registration",
}


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: the name the provider's computer gave it and its bytes."""

    filename: str
    data: bytes
    title: str = ""


@dataclass(frozen=True)
class Document:
    """An upload that passed the checks, ready to store."""

    title: str
    data: bytes
    content_type: str
    extension: str


@dataclass(frozen=True)
class Registrations:
    """What the provider declares on the form; empty strings and ``None`` mean not given."""

    cqc_location_id: str = ""
    dbs_certificate_number: str = ""
    dbs_holder_name: str = ""
    dbs_renewal_on: date | None = None
    insurance_policy: str = ""
    insurance_expires_on: date | None = None
    other_name: str = ""
    other_reference: str = ""


@dataclass(frozen=True)
class Declared:
    """A registration that passed the checks, ready to save as evidence."""

    kind: EvidenceKind
    title: str
    reference: str | None
    expires_on: date | None


def _title_from(filename: str) -> str:
    stem = filename.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return " ".join(stem.replace("_", " ").split())[:TITLE_LENGTH] or "Document"


def check_document(upload: Upload, field: str = "document") -> Document | FieldProblem:
    """The document, or the problem with it (size first: a huge file is never sniffed)."""
    if not upload.data:
        return FieldProblem(field, "The selected file is empty")
    if len(upload.data) > MAX_UPLOAD_BYTES:
        return FieldProblem(field, "The selected file must be smaller than 10MB")
    kind = filetype.guess(upload.data)
    if kind is None or kind.mime not in DOCUMENT_TYPES:
        return FieldProblem(field, "The selected file must be a PDF, PNG or JPEG")
    title = " ".join(upload.title.split())
    if len(title) > TITLE_LENGTH:
        return FieldProblem(f"{field}_title", "Document title must be 200 characters or fewer")
    return Document(
        title=title or _title_from(upload.filename),
        data=upload.data,
        content_type=kind.mime,
        extension=DOCUMENT_TYPES[kind.mime],
    )


def _text(value: str, field: str, label: str, problems: list[FieldProblem]) -> str:
    tidy = " ".join(value.split())
    if len(tidy) > REFERENCE_LENGTH:
        problems.append(FieldProblem(field, f"{label} must be 200 characters or fewer"))
    return tidy


def check_registrations(
    given: Registrations, today: date
) -> tuple[list[Declared], list[FieldProblem]]:
    """Each declared registration, checked; ``today`` is the UK date expiry is judged by."""
    declared: list[Declared] = []
    problems: list[FieldProblem] = []

    cqc = given.cqc_location_id.replace(" ", "").upper()
    if cqc:
        if CQC_LOCATION_ID.fullmatch(cqc):
            declared.append(Declared(EvidenceKind.CQC, "CQC location", cqc, None))
        else:
            problems.append(
                FieldProblem(
                    "cqc_location_id",
                    "Enter a CQC location ID in the correct format, like 1-545611283",
                )
            )

    dbs = re.sub(r"[\s-]", "", given.dbs_certificate_number)
    holder = _text(given.dbs_holder_name, "dbs_holder_name", "Name on the certificate", problems)
    if dbs:
        if not DBS_CERTIFICATE_NUMBER.fullmatch(dbs):
            problems.append(
                FieldProblem("dbs_certificate_number", "DBS certificate number must be 12 digits")
            )
        elif given.dbs_renewal_on is not None and given.dbs_renewal_on <= today:
            problems.append(
                FieldProblem(
                    "dbs_renewal_on", "The date the DBS check is due must be in the future"
                )
            )
        else:
            title = f"DBS certificate for {holder}" if holder else "DBS certificate"
            declared.append(
                Declared(EvidenceKind.DBS, title[:TITLE_LENGTH], dbs, given.dbs_renewal_on)
            )
    elif holder or given.dbs_renewal_on is not None:
        problems.append(
            FieldProblem("dbs_certificate_number", "Enter the 12-digit DBS certificate number")
        )

    policy = _text(given.insurance_policy, "insurance_policy", "Insurer and policy", problems)
    if given.insurance_expires_on is not None:
        if given.insurance_expires_on <= today:
            problems.append(
                FieldProblem("insurance_expires_on", "Insurance expiry date must be in the future")
            )
        else:
            declared.append(
                Declared(
                    EvidenceKind.INSURANCE, "Insurance", policy or None, given.insurance_expires_on
                )
            )
    elif policy:
        problems.append(
            FieldProblem("insurance_expires_on", "Enter the date your insurance expires")
        )

    name = _text(given.other_name, "other_name", "Registration name", problems)
    reference = _text(given.other_reference, "other_reference", "Registration number", problems)
    if name and reference:
        declared.append(Declared(EvidenceKind.OTHER_REGISTRATION, name, reference, None))
    elif name:
        problems.append(FieldProblem("other_reference", "Enter the registration number"))
    elif reference:
        problems.append(FieldProblem("other_name", "Enter who the registration is with"))
    return declared, problems


def missing_evidence(
    required: tuple[EvidenceKind, ...], present: set[EvidenceKind]
) -> list[FieldProblem]:
    """A problem for each kind the council requires that the application lacks."""
    return [
        FieldProblem(REQUIRED_WORDS[kind][0], f"Your council needs {REQUIRED_WORDS[kind][1]}")
        for kind in required
        if kind not in present
    ]
