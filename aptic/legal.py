"""The public pages a French public-facing service must have, linked from every footer: the legal notice
(LCEN art. 6), what is done with personal data (RGPD art. 13-14) and the accessibility statement (RGAA)."""

from django.conf import settings
from django.shortcuts import render


def legal_notice(request):
    return render(
        request,
        "legal/legal_notice.html",
        {"cooperative": settings.APTIC_COOPERATIVE, "hosting": settings.APTIC_HOSTING, "site_url": settings.SITE_URL},
    )


def personal_data(request):
    return render(
        request,
        "legal/personal_data.html",
        {
            "cooperative": settings.APTIC_COOPERATIVE,
            "hosting": settings.APTIC_HOSTING,
            "profile_retention_years": settings.BENEFICIARY_PROFILE_RETENTION_YEARS,
        },
    )


def accessibility(request):
    return render(
        request, "legal/accessibility.html", {"cooperative": settings.APTIC_COOPERATIVE, "site_url": settings.SITE_URL}
    )
