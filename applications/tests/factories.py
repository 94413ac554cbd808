import datetime as dt
from decimal import Decimal

import factory

from academy.models import HELSINKI, OrganisationKind, TeamRole
from academy.tests.factories import CohortFactory, UserFactory, valid_business_id
from applications.models import Application, ApplicationState, ProposedMember

COMPLETE_ANSWERS = {
    "region": "Pirkanmaa",
    "website": "https://www.esimerkkila.fi/",
    "contact_title": "Hankintapäällikkö",
    "contact_phone": "+358 40 123 4567",
    "motivation": "Haluamme vähentää hankintojen päästöjä.",
    "goals": "Toimintamalli ja kaksi kategoriasuunnitelmaa.",
    "climate_targets": "Hiilineutraali 2030.",
    "procurement_strategy": "Strategiassa on vastuullisuuslinjaus.",
    "earlier_work": "Ympäristökriteerit ruokapalveluissa.",
    "procurement_volume": Decimal(125_000_000),
    "main_categories": "Rakentaminen, ruoka, ICT",
    "pilot_candidate": "Koulukeskuksen peruskorjaus",
    "approver_name": "Kaisa Kunnanjohtaja",
    "approver_title": "Kunnanjohtaja",
    "privacy_consent": True,
}


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A complete draft, ready to submit, with the two required roles named."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    cohort = factory.SubFactory(CohortFactory)
    applicant = factory.SubFactory(UserFactory)
    state = ApplicationState.DRAFT
    organisation_name = factory.Sequence(lambda n: f"Esimerkkilän kunta {n}")
    business_id = factory.Sequence(lambda n: valid_business_id(2000000 + n * 7))
    organisation_kind = OrganisationKind.MUNICIPALITY
    contact_name = factory.LazyAttribute(lambda a: a.applicant.name)
    contact_email = factory.LazyAttribute(lambda a: a.applicant.email)

    @factory.post_generation
    def answers(self, create, extracted, **kwargs):
        for name, value in {**COMPLETE_ANSWERS, **(extracted or {})}.items():
            setattr(self, name, value)
        if create:
            self.save()

    @factory.post_generation
    def with_team(self, create, extracted, **kwargs):
        if create and extracted is not False:
            ProposedMember.objects.bulk_create(
                [
                    ProposedMember(
                        application=self,
                        role=TeamRole.PROCUREMENT_LEAD,
                        name="Maija Meikäläinen",
                        title="Hankintapäällikkö",
                        email="maija@example.fi",
                        position=0,
                    ),
                    ProposedMember(
                        application=self,
                        role=TeamRole.SUSTAINABILITY_SPECIALIST,
                        name="Ville Vastuullinen",
                        title="Ympäristöasiantuntija",
                        email="ville@example.fi",
                        position=1,
                    ),
                ]
            )


DURING_CALL = dt.datetime(2022, 2, 1, 12, 0, tzinfo=HELSINKI)
LAST_SECOND = dt.datetime(2022, 2, 11, 23, 59, 59, tzinfo=HELSINKI)
ONE_SECOND_LATE = dt.datetime(2022, 2, 12, 0, 0, 0, tzinfo=HELSINKI)
