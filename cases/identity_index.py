"""Search over encrypted identity: the blind index of persons and calls.

Names, phones and document numbers are encrypted (fieldcrypt), so the database cannot
compare them. Each person and call instead has rows in ``IdentityToken``: keyed HMACs
(fieldcrypt.blind) of

- ``w``: each normalised word of each name (given/family, native and Latin);
- ``g``: the bigrams and trigrams of each word padded with ``^``…``$`` (partial and fuzzy
  name search, the intake duplicate check);
- ``p`` / ``n``: the phone in E.164 and its national number (without country code or
  trunk zero), for the person's phone and a call's caller phone;
- ``d``: the document number, upper case, letters and digits only.

Normalisation (the same for writing and searching): Zawgyi Burmese converted to Unicode,
NFKC, case folded, punctuation to spaces, diacritics dropped from Latin letters only
(Vietnamese "Nguyễn" = "Nguyen"; Thai, Lao, Khmer and Burmese signs are letters and kept).

The tokens are kept current by signals on Person and DistressCall (cases.apps) and by
``reindex_*`` for bulk writes; retention deletes them (``forget_person`` / ``forget_calls``).

What the search functions give the callers (cases.selectors, the intake duplicate check,
the API's case search):

- ``identity_search_q(text, by)`` -> ``Q`` over ``Case``: by "name" (every query word is a
  substring of a name word, in either script), "phone" (any format), "document".
- ``person_ids_matching(text)``: the persons whose names contain every query word.
- ``similar_name_person_ids(names)``: the fuzzy match of the duplicate check.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from fieldcrypt import blind
from textutils import zawgyi

from .models import DistressCall, IdentityToken, Person

NAME_FIELDS = ("given_name", "family_name", "given_name_latin", "family_name_latin")
# Share of the query's grams a name must hold to count as similar at intake.
SIMILARITY = 0.5
MAX_QUERY_WORDS = 8


def _is_latin(ch: str) -> bool:
    o = ord(ch)
    return o < 0x250 or 0x1E00 <= o <= 0x1EFF


def normalise(text: str) -> str:
    """A name as compared: see the module docstring."""
    if not text:
        return ""
    if zawgyi.is_zawgyi(text):
        text = zawgyi.to_unicode(text)
    text = unicodedata.normalize("NFKC", text).casefold()
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", text):
        cat = unicodedata.category(ch)
        if cat == "Mn" and out and _is_latin(out[-1]):
            continue  # a Latin diacritic
        if cat[0] in "LMN":
            out.append({"đ": "d", "ø": "o", "ł": "l", "ß": "ss"}.get(ch, ch))
        else:
            out.append(" ")
    return unicodedata.normalize("NFC", "".join(out))


def words(text: str) -> list[str]:
    return normalise(text).split()[:MAX_QUERY_WORDS]


def _grams(word: str) -> set[str]:
    padded = f"^{word}$"
    return {padded[i : i + n] for n in (2, 3) for i in range(len(padded) - n + 1)}


def _query_grams(word: str) -> set[str]:
    """What a word typed in the search box must find in a name word (a substring of it)."""
    if len(word) == 1:
        return {f"^{word}"}  # one letter or one Chinese character: names starting with it
    n = 3 if len(word) >= 3 else 2
    return {word[i : i + n] for i in range(len(word) - n + 1)}


# --- normalised phone and document numbers --------------------------------------------------


def phone_values(phone: object) -> list[tuple[str, str]]:
    """Index entries of a stored phone (E.164 string or PhoneNumber)."""
    e164 = str(phone or "").strip()
    if not e164:
        return []
    out = [("p", e164)]
    try:
        import phonenumbers

        parsed = phonenumbers.parse(e164, None)
        out.append(("n", str(parsed.national_number)))
    except Exception:  # noqa: S110 - an invalid number is still indexed as typed
        pass
    return out


def phone_query_values(text: str) -> list[tuple[str, str]]:
    """A phone typed in any format: +855 12 345 678, 012-345-678, 85512345678, 0085512…"""
    raw = (text or "").strip()
    digits = re.sub(r"\D", "", raw)
    if not digits:
        return []
    if raw.startswith("00"):
        digits, raw = digits[2:], "+" + digits[2:]
    out = [("p", "+" + digits), ("n", digits.lstrip("0"))]
    if not raw.startswith("+"):
        out.append(("n", digits))
    return out


def document_value(text: str) -> str:
    return re.sub(r"[\W_]", "", unicodedata.normalize("NFKC", text or "")).upper()


# --- writing the index ----------------------------------------------------------------------


def person_tokens(person: Person) -> set[int]:
    values: set[tuple[str, str]] = set()
    for name in NAME_FIELDS:
        for w in words(getattr(person, name) or ""):
            values.add(("w", w))
            values.update(("g", g) for g in _grams(w))
    values.update(phone_values(person.phone))
    if person.document_number:
        values.add(("d", document_value(person.document_number)))
    return {blind.token(kind, v) for kind, v in values if v}


def call_tokens(call: DistressCall) -> set[int]:
    return {blind.token(kind, v) for kind, v in phone_values(call.caller_phone) if v}


@transaction.atomic
def reindex_persons(persons: Iterable[Person]) -> int:
    persons = list(persons)
    IdentityToken.objects.filter(person__in=[p.pk for p in persons]).delete()
    kid = blind.current_kid()
    rows = [
        IdentityToken(person_id=p.pk, digest=t, kid=kid) for p in persons for t in person_tokens(p)
    ]
    IdentityToken.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@transaction.atomic
def reindex_calls(calls: Iterable[DistressCall]) -> int:
    calls = list(calls)
    IdentityToken.objects.filter(call__in=[c.pk for c in calls]).delete()
    kid = blind.current_kid()
    rows = [IdentityToken(call_id=c.pk, digest=t, kid=kid) for c in calls for t in call_tokens(c)]
    IdentityToken.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def forget_person(person_id: int) -> int:
    return IdentityToken.objects.filter(person_id=person_id).delete()[0]


def forget_calls(call_ids: Iterable[int]) -> int:
    return IdentityToken.objects.filter(call_id__in=list(call_ids)).delete()[0]


# --- searching ------------------------------------------------------------------------------


def _lookup(values: Iterable[tuple[str, str]]) -> list[int]:
    return [t for kind, v in values for t in blind.lookup_tokens(kind, v)]


def _persons_holding(required: list[set[int]], at_least: int) -> QuerySet:
    """Person ids holding at least ``at_least`` of the ``required`` tokens (each entry the
    same value under every blind-index key)."""
    flat = [t for group in required for t in group]
    return (
        IdentityToken.objects.filter(person__isnull=False, digest__in=flat)
        .values("person_id")
        .annotate(_n=Count("digest", distinct=True))
        .filter(_n__gte=at_least)
        .values("person_id")
    )


def person_ids_matching(text: str) -> QuerySet:
    """Persons whose names contain every word of ``text`` (partial, any script, Latin
    diacritics ignored). A subquery of person ids; empty text matches nobody."""
    grams: set[str] = set()
    for w in words(text):
        grams |= _query_grams(w)
    if not grams:
        return IdentityToken.objects.none().values("person_id")
    required = [set(blind.lookup_tokens("g", g)) for g in sorted(grams)]
    return _persons_holding(required, len(required))


def similar_name_person_ids(names: Iterable[str], similarity: float = SIMILARITY) -> QuerySet:
    """Persons with a name similar to any of ``names`` (the intake duplicate check): they
    hold at least ``similarity`` of the padded grams of one of the names."""
    q = Q()
    any_name = False
    for name in names:
        grams: set[str] = set()
        for w in words(name):
            grams |= {g for g in _grams(w) if len(g) == 3 or len(w) <= 2}
        if not grams:
            continue
        any_name = True
        required = [set(blind.lookup_tokens("g", g)) for g in sorted(grams)]
        at_least = max(1, round(similarity * len(required) + 0.4999))
        q |= Q(pk__in=_persons_holding(required, at_least))
    if not any_name:
        return Person.objects.none().values("pk")
    return Person.objects.filter(q).values("pk")


def _phone_person_ids(text: str) -> QuerySet:
    tokens = _lookup(phone_query_values(text))
    return IdentityToken.objects.filter(person__isnull=False, digest__in=tokens).values("person_id")


def _phone_call_ids(text: str) -> QuerySet:
    tokens = _lookup(phone_query_values(text))
    return IdentityToken.objects.filter(call__isnull=False, digest__in=tokens).values("call_id")


def identity_search_q(text: str, by: str = "name") -> Q:
    """The ``Q`` over ``Case`` of an identity search: ``by`` is "name", "phone" (the
    person's phone or a caller's phone of one of the case's calls) or "document"."""
    if by == "name":
        return Q(person_id__in=person_ids_matching(text))
    if by == "phone":
        if not phone_query_values(text):
            return Q(pk__in=[])
        calls = DistressCall.cases.through.objects.filter(
            case_id=OuterRef("pk"), distresscall_id__in=_phone_call_ids(text)
        )
        return Q(person_id__in=_phone_person_ids(text)) | Q(Exists(calls))
    if by == "document":
        value = document_value(text)
        if not value:
            return Q(pk__in=[])
        tokens = blind.lookup_tokens("d", value)
        return Q(person_id__in=IdentityToken.objects.filter(digest__in=tokens).values("person_id"))
    raise ValueError(f"unknown identity search {by!r}")


def first_with_latin_name(cases: QuerySet, given: str, family: str):
    """The first of ``cases`` whose person's Latin names are exactly these (demo data and
    scripts that find a known person): the blind index narrows, the decrypted names decide."""
    for case in cases.filter(identity_search_q(f"{given} {family}")).select_related("person"):
        p = case.person
        if (p.given_name_latin, p.family_name_latin) == (given, family):
            return case
    return None
