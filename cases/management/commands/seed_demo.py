"""A small, plausible Mekong scenario for `make run` and for trying the product.

Idempotent: running it twice leaves the same data. Refuses to run with DEBUG=False unless
given --force, so that demo logins never appear in production by accident."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from cases import identity_index, timeline
from cases.models import Case, CaseExploitation, CaseGroup, Consent, DistressCall, Person
from cases.services import case_create, case_note_add, distress_call_create
from cases.vocab import (
    CallChannel,
    CallerRelation,
    CaseStatus,
    ConsentMethod,
    ConsentPurpose,
    ExploitationType,
    Gender,
    Industry,
    MeansOfControl,
    RecruiterRelation,
    Sex,
    TraffickingStatus,
    Urgency,
)
from partners.models import Organization, OrganizationKind, User
from partners.roles import Role

DEMO_PASSWORD = "homeward-demo"

CONSOLE_MAIL = "django.core.mail.backends.console.EmailBackend"


@contextmanager
def quiet_console_mail() -> Iterator[Callable[[], int]]:
    """With the console email backend (make run), the demo's notification emails would print
    whole before the login banner: send them to memory while seeding and report how many.
    Any other backend (SMTP, files, tests' locmem) is left as configured."""
    mailers = getattr(settings, "MAILERS", {})
    if mailers.get("default", {}).get("BACKEND") != CONSOLE_MAIL:
        yield lambda: 0
        return
    from django.core import mail

    before = len(getattr(mail, "outbox", []))
    quiet = {**mailers, "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with override_settings(MAILERS=quiet):
        yield lambda: len(getattr(mail, "outbox", [])) - before


ORGANIZATIONS = [
    # code, name, kind, country, city, languages
    ("PPCARE", "Mekong Lifeline Cambodia", OrganizationKind.NGO, "KH", "Phnom Penh", "km, en"),
    ("VTHOPE", "Lao Family Return Network", OrganizationKind.NGO, "LA", "Vientiane", "lo, en"),
    (
        "RCOBKK",
        "Regional Coordination Office on Trafficking",
        OrganizationKind.UN_AGENCY,
        "TH",
        "Bangkok",
        "en, th",
    ),
    (
        "IOMKL",
        "International Migration Office, Kuala Lumpur",
        OrganizationKind.INTERNATIONAL,
        "MY",
        "Kuala Lumpur",
        "en, ms",
    ),
    (
        "KHEMBKL",
        "Royal Embassy of Cambodia, Kuala Lumpur",
        OrganizationKind.EMBASSY,
        "MY",
        "Kuala Lumpur",
        "km, en",
    ),
    (
        "LAEMBKL",
        "Embassy of the Lao PDR, Kuala Lumpur",
        OrganizationKind.EMBASSY,
        "MY",
        "Kuala Lumpur",
        "lo, en",
    ),
    (
        "SAFEPG",
        "Safe Harbour Shelter, Penang",
        OrganizationKind.SHELTER,
        "MY",
        "George Town",
        "en, ms",
    ),
]

USERS = [
    # username, first, last, org code, role, language
    ("caseworker", "Sokha", "Chan", "PPCARE", Role.CASEWORKER, "en"),
    ("coordinator", "Dara", "Keo", "PPCARE", Role.COORDINATOR, "en"),
    ("orgadmin", "Bopha", "Sok", "PPCARE", Role.ORG_ADMIN, "en"),
    ("caseworker2", "Khamla", "Phommachanh", "VTHOPE", Role.CASEWORKER, "en"),
    ("coordinator2", "Noy", "Sisavath", "VTHOPE", Role.COORDINATOR, "en"),
    ("liaison", "Vannak", "Meas", "KHEMBKL", Role.LIAISON, "en"),
    ("liaison2", "Somphone", "Vongsa", "LAEMBKL", Role.LIAISON, "en"),
    ("rco", "Anong", "Srisuk", "RCOBKK", Role.COORDINATOR, "en"),
    ("iom", "Aisha", "Rahman", "IOMKL", Role.CASEWORKER, "en"),
    ("shelter", "Mei Ling", "Tan", "SAFEPG", Role.CASEWORKER, "en"),
]

FISHING = [ExploitationType.FORCED_LABOUR]
SCAM = [ExploitationType.FORCED_CRIMINALITY, ExploitationType.FORCED_LABOUR]

# owner, (native given, native family), (latin given, latin family), sex, age, nationality,
# industry, exploitation, control, country of exploitation, urgency, status, group key
CASES = [
    (
        "PPCARE",
        ("សុខា", "ពៅ"),
        ("Sokha", "Pov"),
        Sex.MALE,
        34,
        "KH",
        Industry.MARINE_FISHING,
        FISHING,
        [MeansOfControl.DEBT_BONDAGE, MeansOfControl.WITHHELD_DOCUMENTS],
        "MY",
        Urgency.IMMEDIATE,
        CaseStatus.ACTIVE,
        "vessel",
    ),
    (
        "PPCARE",
        ("វណ្ណៈ", "ហេង"),
        ("Vannak", "Heng"),
        Sex.MALE,
        27,
        "KH",
        Industry.MARINE_FISHING,
        FISHING,
        [MeansOfControl.DEBT_BONDAGE, MeansOfControl.PHYSICAL_VIOLENCE],
        "MY",
        Urgency.IMMEDIATE,
        CaseStatus.ACTIVE,
        "vessel",
    ),
    (
        "PPCARE",
        ("ពិសិដ្ឋ", "ឈឹម"),
        ("Piseth", "Chhim"),
        Sex.MALE,
        17,
        "KH",
        Industry.MARINE_FISHING,
        [ExploitationType.FORCED_LABOUR, ExploitationType.CHILD_LABOUR],
        [MeansOfControl.RESTRICTED_MOVEMENT, MeansOfControl.EXCESSIVE_HOURS],
        "MY",
        Urgency.IMMEDIATE,
        CaseStatus.OPEN,
        "vessel",
    ),
    (
        "PPCARE",
        ("សុភាព", "លី"),
        ("Sopheap", "Ly"),
        Sex.FEMALE,
        29,
        "KH",
        Industry.DOMESTIC_WORK,
        [ExploitationType.SERVITUDE],
        [MeansOfControl.WITHHELD_WAGES, MeansOfControl.WITHHELD_DOCUMENTS],
        "MY",
        Urgency.URGENT,
        CaseStatus.IN_REPATRIATION,
        None,
    ),
    (
        "PPCARE",
        ("រតនា", "សួន"),
        ("Rathana", "Suon"),
        Sex.MALE,
        22,
        "KH",
        Industry.ONLINE_SCAM,
        SCAM,
        [MeansOfControl.THREATS, MeansOfControl.DEBT_BONDAGE, MeansOfControl.FALSE_PROMISES],
        "MM",
        Urgency.URGENT,
        CaseStatus.ACTIVE,
        None,
    ),
    (
        "PPCARE",
        ("ចាន់ថា", "នួន"),
        ("Chantha", "Nuon"),
        Sex.FEMALE,
        24,
        "KH",
        Industry.ONLINE_SCAM,
        SCAM,
        [MeansOfControl.THREATS, MeansOfControl.RESTRICTED_MOVEMENT],
        "MM",
        Urgency.URGENT,
        CaseStatus.OPEN,
        None,
    ),
    (
        "PPCARE",
        ("បញ្ញា", "សេង"),
        ("Panha", "Seng"),
        Sex.MALE,
        12,
        "KH",
        Industry.BEGGING,
        [ExploitationType.FORCED_BEGGING, ExploitationType.CHILD_LABOUR],
        [MeansOfControl.THREATS],
        "TH",
        Urgency.URGENT,
        CaseStatus.ACTIVE,
        None,
    ),
    (
        "PPCARE",
        ("សំណាង", "ម៉ៅ"),
        ("Samnang", "Mao"),
        Sex.MALE,
        41,
        "KH",
        Industry.CONSTRUCTION,
        FISHING,
        [MeansOfControl.WITHHELD_WAGES, MeansOfControl.THREATS_LAW_ENFORCEMENT],
        "TH",
        Urgency.ROUTINE,
        CaseStatus.IN_REINTEGRATION,
        None,
    ),
    (
        "PPCARE",
        ("ដារ៉ា", "ទេព"),
        ("Dara", "Tep"),
        Sex.MALE,
        38,
        "KH",
        Industry.AGRICULTURE,
        FISHING,
        [MeansOfControl.DEBT_BONDAGE],
        "TH",
        Urgency.ROUTINE,
        CaseStatus.CLOSED,
        None,
    ),
    (
        "VTHOPE",
        ("ສົມພອນ", "ແກ້ວມະນີ"),
        ("Somphone", "Keomany"),
        Sex.MALE,
        31,
        "LA",
        Industry.MARINE_FISHING,
        FISHING,
        [MeansOfControl.DEBT_BONDAGE],
        "MY",
        Urgency.URGENT,
        CaseStatus.ACTIVE,
        None,
    ),
    (
        "VTHOPE",
        ("ນາລີ", "ພົມມະວົງ"),
        ("Nalee", "Phommavong"),
        Sex.FEMALE,
        19,
        "LA",
        Industry.MANUFACTURING,
        FISHING,
        [MeansOfControl.WITHHELD_DOCUMENTS],
        "TH",
        Urgency.ROUTINE,
        CaseStatus.OPEN,
        None,
    ),
    (
        "VTHOPE",
        ("ບຸນມີ", "ສີສະຫວັດ"),
        ("Bounmy", "Sisavath"),
        Sex.MALE,
        25,
        "LA",
        Industry.ONLINE_SCAM,
        SCAM,
        [MeansOfControl.THREATS],
        "MM",
        Urgency.IMMEDIATE,
        CaseStatus.OPEN,
        None,
    ),
]


VESSEL_SUMMARY = (
    "Three men on a fishing boat off Kuala Terengganu: passports taken, unpaid for months, "
    "one beaten. The youngest is 17."
)
# Phones of some persons, so that the duplicate warning at intake can be tried.
PHONES = {("Sokha", "Pov"): "+60123456789", ("Rathana", "Suon"): "+85598111222"}
FOLLOW_UP_SUMMARY = "Second call: the compound moved him to another building; he is unhurt."


class Command(BaseCommand):
    help = "Create the demo organisations, users and cases (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG=False.")
        parser.add_argument(
            "--logins",
            action="store_true",
            help="Only print the demo logins (the make run banner, scripts/demo-logins.sh).",
        )

    def handle(self, *args, force: bool = False, logins: bool = False, **options):
        if logins:
            self._print_logins()
            return
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo refuses to run with DEBUG=False: it creates users with a known "
                "password. Use --force if this really is a demo or test installation."
            )
        with quiet_console_mail() as quieted, transaction.atomic():
            orgs = self._organizations()
            users = self._users(orgs)
            created = self._cases(orgs, users)
            self._follow_up_calls(orgs, users)
            self._app_demos(orgs, users)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {len(orgs)} organisations, {len(users)} users, "
                f"{created} new cases. Password for every demo user: {DEMO_PASSWORD}"
            )
        )
        if quieted():
            self.stdout.write(
                f"{quieted()} demo notification emails were not printed (console email backend); "
                "the notifications are in the app."
            )

    def _print_logins(self) -> None:
        """Every demo user (USERS and the superuser), their organisation and role; "2FA" marks
        those whose role logs in with a second factor."""
        from partners import twofactor

        names = {code: name for code, name, *_rest in ORGANIZATIONS}
        for username, _first, _last, org_code, role, _lang in USERS:
            user = User(username=username, role=role)
            extra = "  2FA" if twofactor.required_for(user) else ""
            self.stdout.write(f"    {username:<13} {Role(role).label}, {names[org_code]}{extra}")
        self.stdout.write(f"    {'admin':<13} superuser (Django admin at /admin/)")

    def _app_demos(self, orgs: dict[str, Organization], users: dict[str, User]) -> None:
        """Each app may add its part of the story in ``<app>/demo.py``: a function
        ``seed(orgs, users)`` that must be idempotent. Called in INSTALLED_APPS order."""
        for config in apps.get_app_configs():
            if config.name != "cases" and module_has_submodule(config.module, "demo"):
                import_module(f"{config.name}.demo").seed(orgs=orgs, users=users)

    def _organizations(self) -> dict[str, Organization]:
        orgs = {}
        for code, name, kind, country, city, languages in ORGANIZATIONS:
            org, _ = Organization.objects.get_or_create(
                code=code.lower(),
                defaults={
                    "name": name,
                    "kind": kind,
                    "country": country,
                    "city": city,
                    "languages": languages,
                },
            )
            orgs[code] = org
        return orgs

    def _users(self, orgs: dict[str, Organization]) -> dict[str, User]:
        users = {}
        for username, first, last, org_code, role, lang in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@demo.homeward.invalid",
                    organization=orgs[org_code],
                    role=role,
                    preferred_language=lang,
                )
                user.set_password(DEMO_PASSWORD)
                user.save()
            users[username] = user
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@demo.homeward.invalid", DEMO_PASSWORD)
        return users

    def _follow_up_calls(self, orgs: dict[str, Organization], users: dict[str, User]) -> None:
        """A later call about an existing case, attached to it through the intake service."""
        case = identity_index.first_with_latin_name(
            Case.objects.filter(owner_organization=orgs["PPCARE"]), "Rathana", "Suon"
        )
        # Summaries are encrypted: the follow-up is recognised by the case's second call.
        if case is None or case.calls.count() > 1:
            return
        distress_call_create(
            by=users["caseworker"],
            call=DistressCall(
                received_at=timezone.now() - timedelta(days=2),
                channel=CallChannel.TELEGRAM,
                caller_relation=CallerRelation.SELF,
                caller_phone="+85598111222",
                language="Khmer",
                reported_country="MM",
                reported_place="Myawaddy",
                summary=FOLLOW_UP_SUMMARY,
                urgency=Urgency.URGENT,
            ),
            existing_case=case,
        )

    def _cases(self, orgs: dict[str, Organization], users: dict[str, User]) -> int:
        created = 0
        now = timezone.now()
        groups: dict[str, CaseGroup] = {}
        calls: dict[str, DistressCall] = {}
        for i, (
            owner_code,
            native,
            latin,
            sex,
            age,
            nat,
            industry,
            exploitation,
            control,
            exploited_in,
            urgency,
            status,
            group_key,
        ) in enumerate(CASES):
            owner = orgs[owner_code]
            if identity_index.first_with_latin_name(
                Case.objects.filter(owner_organization=owner), latin[0], latin[1]
            ):
                continue
            worker = users["caseworker" if owner_code == "PPCARE" else "caseworker2"]
            group = None
            if group_key:
                group = groups.get(group_key) or CaseGroup.objects.create(
                    owner_organization=owner, label="Vessel reported off Kuala Terengganu"
                )
                groups[group_key] = group
            person = Person(
                phone=PHONES.get(latin, ""),
                given_name=native[0],
                family_name=native[1],
                given_name_latin=latin[0],
                family_name_latin=latin[1],
                sex=sex,
                # Gender as the person describes it (HTCDS), asked beside sex.
                gender=Gender.MASCULINE if sex == Sex.MALE else Gender.FEMININE,
                estimated_age=age,
                nationality=nat,
                languages="Khmer" if nat == "KH" else "Lao",
            )
            case = case_create(
                organization=owner,
                by=worker,
                person=person,
                group=group,
                urgency=urgency,
                status=status,
                industry=industry,
                means_of_control=list(control),
                trafficking_status=TraffickingStatus.ACTUAL
                if status != CaseStatus.OPEN
                else TraffickingStatus.POSSIBLE,
                recruiter_relation=RecruiterRelation.BROKER,
                # Exploited for 4 to 37 months before the case was registered.
                exploitation_started_on=(now - timedelta(days=40 - i * 3 + 120 + 90 * i)).date(),
                country_of_origin=nat,
                country_of_exploitation=exploited_in,
                current_country=exploited_in,
                assigned_to=worker,
                created_at=now - timedelta(days=40 - i * 3),
            )
            CaseExploitation.objects.bulk_create(
                [CaseExploitation(case=case, type=t) for t in exploitation]
            )
            # One call for everyone on the vessel: the group's first case opens it, the
            # others are added to it, as the intake page does.
            call = calls.get(group_key) if group_key else None
            if call is None:
                call = DistressCall.objects.create(
                    organization=owner,
                    logged_by=worker,
                    received_at=case.created_at,
                    channel=CallChannel.PHONE if i % 2 else CallChannel.WHATSAPP,
                    caller_relation=CallerRelation.FAMILY,
                    caller_name="Family member" if not group_key else "Srey Pov (sister)",
                    caller_phone=f"+85512700{i:03d}" if nat == "KH" else f"+8562055500{i:03d}",
                    callback_notes="After 7 pm, through the NGO office line",
                    language="Khmer" if nat == "KH" else "Lao",
                    summary=VESSEL_SUMMARY
                    if group_key
                    else "Family reports he cannot leave the workplace and has not been paid.",
                    urgency=urgency,
                    group=group,
                    reported_country=exploited_in,
                    reported_port="Kuala Terengganu" if group_key else "",
                    vessel="KN 4471" if group_key else "",
                )
                if group_key:
                    calls[group_key] = call
            call.cases.add(case)
            timeline.record(
                case=case,
                kind="call_logged",
                actor=worker,
                data={"channel": call.channel},
            )
            for purpose in (
                ConsentPurpose.SHARE_WITH_PARTNERS,
                ConsentPurpose.REPATRIATION,
                ConsentPurpose.EMBASSY_CONTACT,
            ):
                Consent.objects.create(
                    case=case,
                    purpose=purpose,
                    granted=True,
                    method=ConsentMethod.VERBAL,
                    recorded_by=worker,
                )
            case_note_add(
                case=case,
                body="First contact made with the family; they asked "
                "that calls go through the NGO office.",
                by=worker,
            )
            created += 1
        return created
