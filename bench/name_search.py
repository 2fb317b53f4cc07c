"""Name search and the duplicate check over the blind index, against the trigram search
they replace (today's ``icontains`` over plain names, served by pg_trgm GIN indexes, and
``similarity() >= 0.35`` for the duplicate check).

The plain names no longer exist in the database, so the comparison builds a TEMPORARY
table of the decrypted names with the old trigram indexes and runs the old SQL on it. Both
sides are checked against the ground truth computed in Python (every query word is a
substring of one of the person's names, after the same normalisation): the blind index
may over-match when a word's trigrams occur in a name but not together (precision), and
the trigram search misses names typed with other diacritics (recall)."""

from __future__ import annotations

import statistics
import time

QUERIES = ["Sokha", "okh", "Sokha Pov", "សុខា", "Htun", "Keomany", "ano", "Nguyen"]
DUPLICATES = ["Sokha Pov", "Sokah Pov", "Vannak Heng", "Aung Htun"]


def _time(fn, runs: int) -> tuple[float, float, object]:
    result = fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return round(statistics.median(samples), 2), round(ordered[int(0.95 * (runs - 1))], 2), result


def name_search(ctx, client, runs):
    from django.db import connection

    from bench import measure
    from cases import identity_index
    from cases.models import Person

    runs = max(5, min(runs, 20))
    names = {}
    for p in Person.objects.only(*identity_index.NAME_FIELDS).iterator(chunk_size=2000):
        names[p.pk] = [getattr(p, f) for f in identity_index.NAME_FIELDS]
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TEMPORARY TABLE bench_plain_names (id int, given_name text, family_name text,"
            " given_name_latin text, family_name_latin text)"
        )
        cur.executemany(
            "INSERT INTO bench_plain_names VALUES (%s, %s, %s, %s, %s)",
            [(pk, *v) for pk, v in names.items()],
        )
        for f in identity_index.NAME_FIELDS:
            cur.execute(f"CREATE INDEX ON bench_plain_names USING gin ({f} gin_trgm_ops)")
        cur.execute("ANALYZE bench_plain_names")

    def old_search(text):
        clauses, params = [], []
        for w in text.split():
            clauses.append(
                "(" + " OR ".join(f"{f} ILIKE %s" for f in identity_index.NAME_FIELDS) + ")"
            )
            params += [f"%{w}%"] * 4
        with connection.cursor() as cur:
            cur.execute(f"SELECT id FROM bench_plain_names WHERE {' AND '.join(clauses)}", params)
            return {r[0] for r in cur.fetchall()}

    def truth(text):
        qw = identity_index.words(text)
        out = set()
        for pk, values in names.items():
            nw = [w for v in values for w in identity_index.words(v)]
            if all(any(q in w for w in nw) for q in qw):
                out.add(pk)
        return out

    new_ms, old_ms, fp, fn_new, fn_old, total = [], [], 0, 0, 0, 0
    for q in QUERIES:
        n_med, _, new = _time(
            lambda q=q: set(
                identity_index.person_ids_matching(q).values_list("person_id", flat=True)
            ),
            runs,
        )
        o_med, _, old = _time(lambda q=q: old_search(q), runs)
        t = truth(q)
        new_ms.append(n_med)
        old_ms.append(o_med)
        fp += len(new - t)
        fn_new += len(t - new)
        fn_old += len(t - old)
        total += len(t)

    search = measure.Result(
        f"Name search, blind index ({len(QUERIES)} queries)",
        round(statistics.median(new_ms), 1),
        round(max(new_ms), 1),
        1,
        round(statistics.median(old_ms), 1),
        round(max(old_ms), 1),
    )
    search.notes.append(
        f"floor: today's ILIKE over plain names with pg_trgm indexes; of {total} true matches "
        f"the blind index missed {fn_new} and added {fp} false; trigram ILIKE missed {fn_old} "
        "(diacritics)"
    )

    def old_similar(name):
        with connection.cursor() as cur:
            cur.execute(
                "SELECT id FROM bench_plain_names WHERE GREATEST("
                "similarity(given_name || ' ' || family_name, %s),"
                "similarity(given_name_latin || ' ' || family_name_latin, %s)) >= 0.35",
                [name, name],
            )
            return {r[0] for r in cur.fetchall()}

    new_ms, old_ms, agree, union = [], [], 0, 0
    for name in DUPLICATES:
        n_med, _, new = _time(
            lambda n=name: set(
                identity_index.similar_name_person_ids([n]).values_list("pk", flat=True)
            ),
            runs,
        )
        o_med, _, old = _time(lambda n=name: old_similar(n), runs)
        new_ms.append(n_med)
        old_ms.append(o_med)
        agree += len(new & old)
        union += len(new | old)
    dup = measure.Result(
        f"Duplicate check, blind index ({len(DUPLICATES)} names)",
        round(statistics.median(new_ms), 1),
        round(max(new_ms), 1),
        1,
        round(statistics.median(old_ms), 1),
        round(max(old_ms), 1),
    )
    dup.notes.append(
        "floor: pg_trgm similarity ≥ 0.35 over plain names (a sequential scan); the two "
        f"agree on {agree} of {union} persons found by either"
    )
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_plain_names")
    return [search, dup]
