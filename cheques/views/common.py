from django.contrib import messages
from django.http import FileResponse, Http404

from accounts.enums import MembershipRole, OrganisationKind
from cheques.services.common import AlreadyDone

FUNDER = (OrganisationKind.COMMANDITAIRE,)
DISTRIBUTEUR = (OrganisationKind.DISTRIBUTEUR,)
FUNDER_OR_DISTRIBUTEUR = (OrganisationKind.COMMANDITAIRE, OrganisationKind.DISTRIBUTEUR)
ADMINS = (MembershipRole.ADMIN,)


def report(request, error) -> None:
    """A refused action, as a message: "déjà effectué" is information, anything else an error."""
    if isinstance(error, AlreadyDone):
        messages.info(request, error.message)
    else:
        messages.error(request, error.message)


def private_file(field, filename: str, content_type: str = "application/pdf") -> FileResponse:
    """A file of the private storage, after the view has checked who asks."""
    if not field:
        raise Http404
    return FileResponse(field.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
