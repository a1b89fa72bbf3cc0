"""Open Referral UK taxonomy terms for a council's kinds of service, and stable feed ids.

Every id in the feed is a UUID (the profile says so). Our own rows have UUIDs;
everything else (a location, a cost option, a term) gets a name-based UUID
(uuid5) in one fixed namespace, so the same thing keeps the same id in every
feed and a consumer can follow it between imports.

Terms: the standard categories (core.budgets.categories) are terms of the
"Carepurse service categories" taxonomy. A council's own category is either a
term of another Open Referral taxonomy (when the council gave its taxonomy and
term id, e.g. esdServiceTypes) or a child term of its standard category.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID, uuid5

from core.ids import parse_uuid
from core.marketplace.categories import kinds_of_service

# Never change: consumers keep these ids between imports.
NAMESPACE = UUID("3c4e1f0a-7b7d-5d43-9a55-2f0c8b1d6e29")
CAREPURSE_TAXONOMY = "Carepurse service categories"
CAREPURSE_TAXONOMY_URI = "https://carepurse.example/openreferral/taxonomy"


def derived_id(*parts: object) -> str:
    """A stable UUID for a thing with no UUID of its own."""
    return str(uuid5(NAMESPACE, "/".join(str(part) for part in parts)))


def taxonomy_id(name: str) -> str:
    return derived_id("taxonomy", name)


def standard_term_id(code: str) -> str:
    return derived_id("term", CAREPURSE_TAXONOMY, code)


def external_term_id(taxonomy: str, term_id: str) -> str:
    """A council category's own term: its id if that is a UUID, else one derived from it."""
    parsed = parse_uuid(term_id)
    return str(parsed) if parsed is not None else derived_id("term", taxonomy, term_id)


@dataclass(frozen=True)
class Term:
    id: str
    name: str
    description: str
    taxonomy: str
    term: str  # the term's code in its taxonomy
    category: str  # the Carepurse category it stands for
    standard: str  # the standard category that category counts as
    parent_id: str | None = None
    selects: tuple[str, ...] = ()  # category codes a taxonomy_term_id filter on it finds

    def as_open_referral(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "taxonomy": self.taxonomy,
            "taxonomy_id": taxonomy_id(self.taxonomy),
            "term": self.term,
        }
        if self.parent_id:
            item["parent_id"] = self.parent_id
        return item


@dataclass(frozen=True)
class Terms:
    """One council's terms, looked up by id and by category code."""

    terms: tuple[Term, ...]

    def by_id(self, term_id: str) -> Term | None:
        return next((term for term in self.terms if term.id == term_id), None)

    def for_category(self, code: str) -> list[Term]:
        """The category's own term and, for a council's category, its standard category's."""
        own = [term for term in self.terms if term.category == code]
        standard = {term.standard for term in own} - {code}
        return own + [term for term in self.terms if term.category in standard]

    def taxonomies(self) -> list[dict[str, Any]]:
        names = list(dict.fromkeys(term.taxonomy for term in self.terms))
        return [taxonomy_item(name) for name in names]

    def codes_in_taxonomy(self, wanted_id: str) -> set[str]:
        return {
            code
            for term in self.terms
            if taxonomy_id(term.taxonomy) == wanted_id
            for code in term.selects
        }


def taxonomy_item(name: str) -> dict[str, Any]:
    if name == CAREPURSE_TAXONOMY:
        return {
            "id": taxonomy_id(name),
            "name": name,
            "description": "The kinds of service a personal budget can pay for, as Carepurse "
            "files them; a council's own categories are child terms of these.",
            "uri": CAREPURSE_TAXONOMY_URI,
            "version": "1",
        }
    return {
        "id": taxonomy_id(name),
        "name": name,
        "description": f"Terms from {name} that this council's own categories use.",
    }


async def council_terms(tenant_id: int) -> Terms:
    """Every term this council's catalogue can carry."""
    terms: dict[str, Term] = {}
    kinds = await kinds_of_service(tenant_id)
    children: dict[str, list[str]] = {}
    for kind in kinds:
        if kind.own:
            children.setdefault(kind.standard_code, []).append(kind.code)
    for kind in kinds:
        if not kind.own:
            term = Term(
                id=standard_term_id(kind.code),
                name=kind.label,
                description=kind.label,
                taxonomy=CAREPURSE_TAXONOMY,
                term=kind.code,
                category=kind.code,
                standard=kind.code,
                selects=(kind.code, *children.get(kind.code, [])),
            )
        elif kind.taxonomy and kind.term_id:
            term = Term(
                id=external_term_id(kind.taxonomy, kind.term_id),
                name=kind.label,
                description=f"{kind.label} (filed under {kind.parent_label})",
                taxonomy=kind.taxonomy,
                term=kind.term_id,
                category=kind.code,
                standard=kind.standard_code,
                selects=(kind.code,),
            )
        else:
            term = Term(
                id=derived_id("term", "council", tenant_id, kind.code),
                name=kind.label,
                description=f"{kind.label} (filed under {kind.parent_label})",
                taxonomy=CAREPURSE_TAXONOMY,
                term=kind.code,
                category=kind.code,
                standard=kind.standard_code,
                parent_id=standard_term_id(kind.standard_code),
                selects=(kind.code,),
            )
        if term.id in terms:  # two council categories on one external term: one term
            first = terms[term.id]
            term = replace(first, selects=(*first.selects, *term.selects))
        terms[term.id] = term
    return Terms(tuple(terms.values()))
