"""Seed a realistic Homeward data set at scale: organisations, users, persons, cases with
their exploitation types, owner grants, distress calls, notes, timeline entries and
notifications — and whatever other apps add through ``EXTRA_SEEDERS`` (referrals and their
grants, repatriation plans and steps).

``seed(cases=100_000, orgs=30)`` is what `make bench` runs; tests call it with ``cases=200``.
One organisation (``BENCH_FOCUS``) owns a larger share and receives grants on others' cases,
so that its caseworker sees about 10% of all cases — the caseworker the benchmark measures.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.utils import timezone

from cases.models import (
    Case,
    CaseExploitation,
    CaseGroupObjectPermission,
    CaseNote,
    DistressCall,
    Person,
    ReferenceCounter,
    TimelineEntry,
)
from cases.vocab import (
    CallChannel,
    CallerRelation,
    CaseStatus,
    ExploitationType,
    Industry,
    MeansOfControl,
    RecruiterRelation,
    Sex,
    TraffickingStatus,
    Urgency,
)
from notifications.models import Notification
from partners.models import Organization, OrganizationKind, User
from partners.roles import ALL_CASE_PERMS, VIEW, VIEW_IDENTITY, Role

from .copy import IdAllocator, copy_instances

BENCH_PASSWORD = "bench-password-not-secret"
COUNTRIES = ["KH", "LA", "MM", "TH", "VN", "CN", "MY", "ID"]
# The industries the benchmark draws from (ISIC codes, cases.vocab.Industry), as weighted.
BENCH_INDUSTRIES = [
    Industry.MARINE_FISHING,
    Industry.AGRICULTURE,
    Industry.CONSTRUCTION,
    Industry.MANUFACTURING,
    Industry.DOMESTIC_WORK,
    Industry.HOSPITALITY,
    Industry.ENTERTAINMENT,
    Industry.BEGGING,
    Industry.ONLINE_SCAM,
    Industry.OTHER,
]

ORIGINS = ["KH", "LA", "MM", "VN", "CN"]
DESTINATIONS = ["MY", "TH", "ID", "MM", "KH", "CN"]
NAMES = {
    "KH": [
        ("សុខា", "Sokha"),
        ("វណ្ណៈ", "Vannak"),
        ("ពិសិដ្ឋ", "Piseth"),
        ("ដារ៉ា", "Dara"),
        ("សុភាព", "Sopheap"),
        ("ចាន់ថា", "Chantha"),
        ("រតនា", "Rathana"),
    ],
    "LA": [("ສົມພອນ", "Somphone"), ("ບຸນມີ", "Bounmy"), ("ນາລີ", "Nalee"), ("ຄຳຫຼ້າ", "Khamla")],
    "MM": [("အောင်", "Aung"), ("ကျော်", "Kyaw"), ("မြင့်", "Myint"), ("သီတာ", "Thida")],
    "VN": [("Nguyễn", "Nguyen"), ("Trần", "Tran"), ("Minh", "Minh"), ("Lan", "Lan")],
    "CN": [("王伟", "Wang Wei"), ("李娜", "Li Na"), ("张强", "Zhang Qiang")],
}
FAMILY = {
    "KH": [("ពៅ", "Pov"), ("ហេង", "Heng"), ("ឈឹម", "Chhim"), ("លី", "Ly"), ("សួន", "Suon")],
    "LA": [("ແກ້ວມະນີ", "Keomany"), ("ພົມມະວົງ", "Phommavong"), ("ສີສະຫວັດ", "Sisavath")],
    "MM": [("ထွန်း", "Htun"), ("ဝင်း", "Win"), ("နိုင်", "Naing")],
    "VN": [("Văn An", "Van An"), ("Thị Hoa", "Thi Hoa"), ("Đức", "Duc")],
    "CN": [("", ""), ("", "")],
}

# Apps add their part (referrals, repatriation) here: fn(ctx) -> {table: rows}.
EXTRA_SEEDERS: list[Callable[[SeedContext], dict[str, int]]] = []


@dataclass
class SeedContext:
    rng: random.Random
    orgs: list[Organization]
    focus: Organization
    users: dict[int, list[User]]  # organisation id -> its caseworkers
    case_ids: list[int]
    case_owner: dict[int, int]  # case id -> owner organisation id
    perm_ids: dict[str, int]
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def _perm_ids() -> dict[str, int]:
    return dict(
        Permission.objects.filter(
            content_type__app_label="cases", codename__in=ALL_CASE_PERMS
        ).values_list("codename", "id")
    )


def _organizations(n: int) -> list[Organization]:
    kinds = [OrganizationKind.NGO] * 3 + [
        OrganizationKind.EMBASSY,
        OrganizationKind.SHELTER,
        OrganizationKind.INTERNATIONAL,
        OrganizationKind.LAW_ENFORCEMENT,
        OrganizationKind.UN_AGENCY,
    ]
    orgs = []
    for i in range(n):
        code = f"bench{i:02d}"
        org, _ = Organization.objects.get_or_create(
            code=code,
            defaults={
                "name": f"Bench partner {i:02d}",
                "kind": kinds[i % len(kinds)],
                "country": COUNTRIES[i % len(COUNTRIES)],
            },
        )
        orgs.append(org)
    # The focus organisation is an NGO.
    orgs[0].kind = OrganizationKind.NGO
    orgs[0].save(update_fields=["kind"])
    return orgs


def _users(orgs: list[Organization]) -> dict[int, list[User]]:
    users: dict[int, list[User]] = {}
    for org in orgs:
        members = []
        for role in (Role.CASEWORKER, Role.CASEWORKER, Role.COORDINATOR, Role.LIAISON):
            username = f"{org.code}-{role}-{len(members)}"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    organization=org,
                    role=role,
                    email=f"{username}@bench.invalid",
                )
                user.set_password(BENCH_PASSWORD)
                user.save()
            members.append(user)
        users[org.pk] = members
    return users


def _index_identity(persons=(), calls=()) -> None:
    """The blind index of what COPY wrote (post_save signals do not run for it)."""
    from cases import identity_index
    from cases.models import IdentityToken
    from fieldcrypt import blind

    alloc, kid = IdAllocator(IdentityToken), blind.current_kid()
    rows = [
        IdentityToken(id=alloc.take(), person_id=p.pk, digest=t, kid=kid)
        for p in persons
        for t in identity_index.person_tokens(p)
    ]
    rows += [
        IdentityToken(id=alloc.take(), call_id=c.pk, digest=t, kid=kid)
        for c in calls
        for t in identity_index.call_tokens(c)
    ]
    copy_instances(IdentityToken, rows)


def _pseudonyms(rng: random.Random, n: int) -> list[str]:
    alphabet = "BCDFGHJKLMNPQRSTVWXZ23456789"
    existing = set(Case.objects.values_list("pseudonym", flat=True))
    out: list[str] = []
    while len(out) < n:
        p = "P-" + "".join(rng.choice(alphabet) for _ in range(8))
        if p not in existing:
            existing.add(p)
            out.append(p)
    return out


def seed(
    *,
    cases: int = 100_000,
    orgs: int = 30,
    seed_value: int = 42,
    focus_share: float = 0.08,
    shared_share: float = 0.02,
) -> SeedContext:
    """Seed ``cases`` cases over ``orgs`` organisations. The focus organisation owns
    ``focus_share`` of the cases and holds view grants on another ``shared_share``."""
    rng = random.Random(seed_value)
    started = time.monotonic()
    timings: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.monotonic()
        timings[name] = round(now - since, 2)
        return now

    with transaction.atomic():
        organisations = _organizations(orgs)
        users = _users(organisations)
        focus = organisations[0]
        perm_ids = _perm_ids()
        t = lap("organisations and users", started)

        now = timezone.now()
        person_ids, case_alloc = IdAllocator(Person), IdAllocator(Case)
        persons, case_rows, exploitations = [], [], []
        case_owner: dict[int, int] = {}
        pseudonyms = _pseudonyms(rng, cases)
        counters: dict[tuple[int, int], int] = {}
        for i in range(cases):
            owner = focus if rng.random() < focus_share else rng.choice(organisations[1:])
            origin = rng.choice(ORIGINS)
            given = rng.choice(NAMES[origin])
            family = rng.choice(FAMILY[origin])
            sex = rng.choices([Sex.MALE, Sex.FEMALE, Sex.OTHER, Sex.UNKNOWN], [60, 36, 1, 3])[0]
            created = now - timedelta(days=rng.uniform(0, 3 * 365))
            year = created.year
            counters[(owner.pk, year)] = counters.get((owner.pk, year), 0) + 1
            person = Person(
                id=person_ids.take(),
                given_name=given[0],
                family_name=family[0],
                given_name_latin=given[1],
                family_name_latin=family[1],
                sex=sex,
                estimated_age=rng.randint(12, 60),
                nationality=origin,
                phone=f"+855{rng.randint(10_000_000, 99_999_999)}" if rng.random() < 0.6 else "",
                created_at=created,
                updated_at=created,
            )
            persons.append(person)
            status = rng.choices(list(CaseStatus), [25, 35, 10, 10, 20])[0]
            exploited = rng.choice(DESTINATIONS)
            case = Case(
                id=case_alloc.take(),
                person_id=person.pk,
                owner_organization=owner,
                reference=f"{owner.country.code}-{owner.code.upper()}-{year}-"
                f"{counters[(owner.pk, year)]:05d}",
                pseudonym=pseudonyms[i],
                status=status,
                urgency=rng.choices(list(Urgency), [10, 30, 60])[0],
                trafficking_status=rng.choice(list(TraffickingStatus)),
                industry=rng.choices(BENCH_INDUSTRIES, [30, 15, 12, 10, 8, 5, 5, 3, 10, 2])[0],
                recruiter_relation=rng.choice(list(RecruiterRelation)),
                means_of_control=rng.sample(list(MeansOfControl.values), rng.randint(1, 3)),
                # Every other case with a start of exploitation 1 month to 3 years before.
                exploitation_started_on=(created - timedelta(days=rng.randint(30, 1100))).date()
                if i % 2
                else None,
                country_of_origin=origin,
                country_of_exploitation=exploited,
                current_country=exploited,
                assigned_to=rng.choice(users[owner.pk][:2]),
                created_at=created,
                updated_at=created + timedelta(days=rng.uniform(0, 60)),
                status_changed_at=created,
            )
            case_rows.append(case)
            case_owner[case.pk] = owner.pk
            for kind in rng.sample(list(ExploitationType.values), rng.choice([1, 1, 2])):
                exploitations.append(CaseExploitation(case_id=case.pk, type=kind))
        copy_instances(Person, persons)  # identity encrypted by the fields' get_prep_value
        _index_identity(persons=persons)
        copy_instances(Case, case_rows)
        alloc = IdAllocator(CaseExploitation)
        for e in exploitations:
            e.pk = alloc.take()
        copy_instances(CaseExploitation, exploitations)
        for (org_id, year), last in counters.items():
            ReferenceCounter.objects.update_or_create(
                organization_id=org_id, year=year, defaults={"last_number": last}
            )
        t = lap("persons and cases", t)

        # Owner grants: every permission to the owner's group; view grants to the focus org.
        groups = dict(
            Group.objects.filter(organization__in=organisations).values_list(
                "organization__id", "id"
            )
        )
        alloc = IdAllocator(CaseGroupObjectPermission)
        grants = []
        for case in case_rows:
            for codename in ALL_CASE_PERMS:
                grants.append(
                    CaseGroupObjectPermission(
                        id=alloc.take(),
                        group_id=groups[case.owner_organization_id],
                        permission_id=perm_ids[codename],
                        content_object_id=case.pk,
                    )
                )
        others = [c for c in case_rows if c.owner_organization_id != focus.pk]
        for case in rng.sample(others, min(len(others), int(cases * shared_share))):
            for codename in (VIEW, VIEW_IDENTITY):
                grants.append(
                    CaseGroupObjectPermission(
                        id=alloc.take(),
                        group_id=groups[focus.pk],
                        permission_id=perm_ids[codename],
                        content_object_id=case.pk,
                    )
                )
        copy_instances(CaseGroupObjectPermission, grants)
        t = lap("grants", t)

        # Calls (one per case, some cases share a call), notes and timeline entries.
        call_alloc, note_alloc = IdAllocator(DistressCall), IdAllocator(CaseNote)
        entry_alloc = IdAllocator(TimelineEntry)
        calls, links, notes, entries = [], [], [], []
        through = DistressCall.cases.through
        link_alloc = IdAllocator(through)
        for case in case_rows:
            worker = case.assigned_to
            call = DistressCall(
                id=call_alloc.take(),
                organization_id=case.owner_organization_id,
                logged_by=worker,
                received_at=case.created_at,
                channel=rng.choice(list(CallChannel)),
                caller_relation=rng.choice(list(CallerRelation)),
                summary="Family reports he cannot leave the boat and has not been paid.",
                urgency=case.urgency,
                reported_country=case.country_of_exploitation,
                created_at=case.created_at,
            )
            calls.append(call)
            links.append(through(id=link_alloc.take(), distresscall_id=call.pk, case_id=case.pk))
            entries.append(
                TimelineEntry(
                    id=entry_alloc.take(),
                    case_id=case.pk,
                    at=case.created_at,
                    kind="case_created",
                    actor=worker,
                    organization_id=case.owner_organization_id,
                )
            )
            entries.append(
                TimelineEntry(
                    id=entry_alloc.take(),
                    case_id=case.pk,
                    at=case.created_at,
                    kind="call_logged",
                    actor=worker,
                    organization_id=case.owner_organization_id,
                    data={"channel": call.get_channel_display()},
                )
            )
            for k in range(rng.choice([0, 1, 1, 2])):
                at = case.created_at + timedelta(days=k + 1)
                notes.append(
                    CaseNote(
                        id=note_alloc.take(),
                        case_id=case.pk,
                        author=worker,
                        organization_id=case.owner_organization_id,
                        body="Spoke with the family; next call on Monday.",
                        created_at=at,
                        updated_at=at,
                    )
                )
                entries.append(
                    TimelineEntry(
                        id=entry_alloc.take(),
                        case_id=case.pk,
                        at=at,
                        kind="note_added",
                        actor=worker,
                        organization_id=case.owner_organization_id,
                    )
                )
        copy_instances(DistressCall, calls)
        _index_identity(calls=calls)
        copy_instances(through, links)
        copy_instances(CaseNote, notes)
        copy_instances(TimelineEntry, entries)
        t = lap("calls, notes and timeline", t)

        # Notifications: a few per user.
        alloc = IdAllocator(Notification)
        rows = []
        for members in users.values():
            for user in members:
                for k in range(max(1, cases // 2000)):
                    rows.append(
                        Notification(
                            id=alloc.take(),
                            recipient=user,
                            kind="bench",
                            message=f"New referral {case_rows[k % len(case_rows)].reference}",
                            link="/",
                            created_at=now - timedelta(hours=k),
                            email_wanted=False,
                            read_at=None if k % 3 else now,
                        )
                    )
        copy_instances(Notification, rows)
        t = lap("notifications", t)

        ctx = SeedContext(
            rng=rng,
            orgs=organisations,
            focus=focus,
            users=users,
            case_ids=[c.pk for c in case_rows],
            case_owner=case_owner,
            perm_ids=perm_ids,
        )
        ctx.counts = {
            "organisations": len(organisations),
            "persons": len(persons),
            "cases": len(case_rows),
            "exploitation types": len(exploitations),
            "grants": len(grants),
            "distress calls": len(calls),
            "notes": len(notes),
            "timeline entries": len(entries),
            "notifications": len(rows),
        }
        for extra in EXTRA_SEEDERS:
            ctx.counts.update(extra(ctx))
            t = lap(extra.__name__, t)
    # What autovacuum does on a live database: statistics for the planner, and the visibility
    # map that lets grant lookups be index-only scans.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    lap("vacuum analyze", t)
    timings["total"] = round(time.monotonic() - started, 2)
    ctx.timings = timings
    return ctx
