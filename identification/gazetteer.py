"""The gazetteer: one place for every name it goes by, in every script.

Places: the countries of the region and their ISO 3166-2 subdivisions (pycountry, with the
translations pycountry ships in its locales), plus the ports and border crossings of
``data/places.json``. ``load()`` writes them (idempotent: migration 0002 and
``manage.py load_gazetteer`` call it); ``resolve(text)`` finds the one place a name means,
or raises ``UnknownPlace`` with the nearest names.

Lookup is by a normalised name: Unicode NFKC, case-folded, Latin accents dropped
(“Choăy” = “Choay”), punctuation to spaces. A first pass compares whole names (so
“Songkhla port” is the port and “Songkhla” the province); a second drops the words that
only say what kind of place it is (“port”, “province”, “ท่าเรือ”, “ខេត្ត”…), so “Kantang”,
“Kantang port” and “กันตัง” are one place.
"""

from __future__ import annotations

import difflib
import gettext
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

COUNTRIES = ("KH", "TH", "VN", "LA", "MM", "MY", "CN", "ID")
# Homeward's languages and the region's, as pycountry's locales name them.
LOCALES = {
    "km": "km",
    "th": "th",
    "vi": "vi",
    "lo": "lo",
    "my": "my",
    "zh": "zh_CN",
    "ms": "ms",
    "id": "id",
}
DATA = Path(__file__).parent / "data" / "places.json"
MAX_QUERY = 200
SUGGESTIONS = 5

# Words that say what kind of place a name is, not which: dropped for the second pass.
KIND_WORDS = {
    "port",
    "fishing",
    "harbour",
    "harbor",
    "pier",
    "of",
    "province",
    "state",
    "region",
    "municipality",
    "autonomous",
    "prefecture",
    "border",
    "crossing",
    "checkpoint",
    "pelabuhan",
    "provinsi",
    "khet",
    "tinh",
    "thanh",
    "pho",
    "cang",
}
KIND_PREFIXES = ("ท่าเรือ", "ท่าเทียบเรือประมง", "จังหวัด", "ด่าน", "ខេត្ត", "កំពង់ផែ", "ច្រកព្រំដែន")
PORT_HINTS = ("port", "harbour", "harbor", "pier", "pelabuhan", "ท่าเรือ", "កំពង់ផែ", "cang")
BORDER_HINTS = ("border", "crossing", "checkpoint", "ด่าน", "ច្រក")
PROVINCE_HINTS = ("province", "state", "region", "จังหวัด", "ខេត្ត", "tinh")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    # Drop accents on Latin letters only: Thai, Khmer, Lao and Burmese vowels are combining
    # marks too, and are part of the word.
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(ch) and out and out[-1] < "\u0250":
            continue
        out.append(ch)
    text = unicodedata.normalize("NFKC", "".join(out)).replace("đ", "d")
    text = re.sub(r"[\s\-–—_,.;:/()\[\]'\"’]+", " ", text)
    return text.strip()[:MAX_QUERY]


def key(text: str) -> str:
    n = normalise(text)
    for prefix in KIND_PREFIXES:
        n = n.replace(prefix, " ")
    words = [w for w in n.split() if w not in KIND_WORDS]
    return " ".join(words) or n.strip()


def _hinted_kind(text: str) -> str | None:
    n = normalise(text)
    if any(h in n for h in PORT_HINTS):
        return "port"
    if any(h in n for h in BORDER_HINTS):
        return "border_crossing"
    if any(h in n for h in PROVINCE_HINTS):
        return "province"
    return None


class UnknownPlace(Exception):
    """No place, or several, answer to the name. ``suggestions``: labels of the nearest."""

    def __init__(self, text: str, suggestions: list[str], *, ambiguous: bool = False):
        self.text = text
        self.suggestions = suggestions
        self.ambiguous = ambiguous
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if self.ambiguous:
            return _("“%(text)s” is several places: choose one of %(places)s.") % {
                "text": self.text,
                "places": "; ".join(self.suggestions),
            }
        if self.suggestions:
            return _("“%(text)s” is not in the gazetteer. Did you mean: %(places)s?") % {
                "text": self.text,
                "places": "; ".join(self.suggestions),
            }
        return _("“%(text)s” is not in the gazetteer, and no place has a similar name.") % {
            "text": self.text
        }


def label(place: Any, language: str = "") -> str:
    """What a person types or picks to mean exactly this place (unique whole names)."""
    return place.display_name(language) if hasattr(place, "display_name") else place.name


def ensure_loaded() -> None:
    """Load the gazetteer if its table is empty: migration 0002 loads it, but a database
    flushed since (the test suite's transactional tests, ``manage.py flush``) would
    otherwise know no place at all. One EXISTS query when loaded."""
    from .models import Place

    if not Place.objects.exists():
        load()


def resolve(text: str, language: str = ""):
    """The one Place ``text`` names. Raises UnknownPlace (with the nearest names)."""
    from .models import Place, PlaceName

    ensure_loaded()
    text = (text or "").strip()[:MAX_QUERY]
    if not text:
        raise UnknownPlace(text, [])
    by_code = Place.objects.filter(code__iexact=text).first()
    if by_code is not None:
        return by_code
    for field, value in (("normalised", normalise(text)), ("key", key(text))):
        ids = set(PlaceName.objects.filter(**{field: value}).values_list("place_id", flat=True))
        if len(ids) == 1:
            return Place.objects.get(pk=ids.pop())
        if len(ids) > 1:
            places = list(Place.objects.filter(pk__in=ids))
            hint = _hinted_kind(text)
            hinted = [p for p in places if hint and p.kind == hint]
            if len(hinted) == 1:
                return hinted[0]
            if field == "key":
                raise UnknownPlace(text, _labels(places, language), ambiguous=True)
    raise UnknownPlace(text, nearest(text, language))


def _labels(places, language: str) -> list[str]:
    from .indicators import PlaceKind

    return [
        f"{p.display_name(language)} ({PlaceKind(p.kind).label}, {p.country})"
        if p.kind != "country"
        else p.display_name(language)
        for p in places
    ]


def nearest(text: str, language: str = "", limit: int = SUGGESTIONS) -> list[str]:
    """Names of the places whose names are closest to ``text`` (difflib), best first."""
    from .models import PlaceName

    k = key(text)
    rows = list(PlaceName.objects.values_list("key", "name", "place_id"))
    by_key: dict[str, tuple[str, int]] = {}
    for row_key, name, place_id in rows:
        by_key.setdefault(row_key, (name, place_id))
    close = difflib.get_close_matches(k, list(by_key), n=limit * 2, cutoff=0.6)
    close += [rk for rk in by_key if k and len(k) >= 3 and rk.startswith(k) and rk not in close]
    names: list[str] = []
    seen: set[int] = set()
    for rk in close:
        name, place_id = by_key[rk]
        if place_id not in seen:
            seen.add(place_id)
            names.append(name)
        if len(names) >= limit:
            break
    return names


def search(text: str, limit: int = 10) -> list[Any]:
    """Places whose names start with ``text`` (normalised): for a picker."""
    from .models import Place, PlaceName

    n = normalise(text)
    if len(n) < 2:
        return []
    ensure_loaded()
    ids = list(
        PlaceName.objects.filter(normalised__startswith=n)
        .values_list("place_id", flat=True)
        .distinct()[:limit]
    )
    return list(Place.objects.filter(pk__in=ids))


# --- loading ---------------------------------------------------------------------------------


@dataclass
class _Entry:
    code: str
    kind: str
    country: str
    name: str
    parent: str | None
    names: dict[str, str]
    aliases: dict[str, list[str]]


def _translators() -> dict[str, tuple[Any, Any]]:
    import pycountry

    out = {}
    for lang, locale in LOCALES.items():
        pair: list[gettext.NullTranslations] = []
        for domain in ("iso3166-1", "iso3166-2"):
            try:
                pair.append(gettext.translation(domain, pycountry.LOCALES_DIR, languages=[locale]))
            except OSError:
                pair.append(gettext.NullTranslations())
        out[lang] = (pair[0], pair[1])
    return out


def entries() -> list[_Entry]:
    """Every place the gazetteer holds, from pycountry and the data file."""
    import pycountry

    data = json.loads(DATA.read_text(encoding="utf-8"))
    extra: dict[str, dict[str, list[str]]] = data["province_aliases"]
    translators = _translators()
    out: list[_Entry] = []
    for cc in COUNTRIES:
        country = pycountry.countries.get(alpha_2=cc)
        assert country is not None
        names = {}
        for lang, (t1, _t2) in translators.items():
            translated = t1.gettext(country.name)
            if translated != country.name:
                names[lang] = translated
        common = getattr(country, "common_name", None)
        aliases = {"en": [common]} if common else {}
        out.append(_Entry(cc, "country", cc, country.name, None, names, aliases))
        for sub in pycountry.subdivisions.get(country_code=cc):
            if sub.type == "Geographical unit":  # a grouping of provinces, not a place
                continue
            names = {}
            for lang, (_t1, t2) in translators.items():
                translated = t2.gettext(sub.name)
                if translated != sub.name:
                    names[lang] = translated
            more = extra.get(sub.code, {})
            for lang, spelled in more.items():
                if lang != "en" and lang not in names:
                    names[lang] = spelled[0]
            out.append(_Entry(sub.code, "province", cc, sub.name, cc, names, dict(more)))
    for item in data["places"]:
        out.append(
            _Entry(
                item["code"],
                item["kind"],
                item["country"],
                item["name"],
                item.get("parent"),
                item.get("names", {}),
                item.get("aliases", {}),
            )
        )
    return out


def load(place_model=None, name_model=None) -> int:
    """Write every place and its names (models may be a migration's historical models).
    Existing places keep their ids (events point at them); their names are rewritten."""
    if place_model is None or name_model is None:
        from .models import Place, PlaceName

        place_model, name_model = Place, PlaceName
    items = entries()
    existing = {p.code: p for p in place_model.objects.all()}
    for e in items:
        place = existing.get(e.code)
        if place is None:
            place = place_model(code=e.code)
        place.kind, place.country, place.name, place.names = e.kind, e.country, e.name, e.names
        place.save()
        existing[e.code] = place
    for e in items:
        if e.parent and e.parent in existing:
            place = existing[e.code]
            place.parent = existing[e.parent]
            place.save(update_fields=["parent"])
    name_model.objects.filter(place__code__in=[e.code for e in items]).delete()
    rows = []
    for e in items:
        place = existing[e.code]
        seen: set[str] = set()
        spelled = [("", e.name)] + [(lang, n) for lang, n in e.names.items()]
        spelled += [(lang, n) for lang, ns in e.aliases.items() for n in ns]
        for lang, name in spelled:
            n = normalise(name)
            if not n or n in seen:
                continue
            seen.add(n)
            rows.append(
                name_model(place=place, name=name[:200], language=lang, normalised=n, key=key(name))
            )
    name_model.objects.bulk_create(rows, batch_size=500)
    return len(items)
