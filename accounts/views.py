from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services
from accounts.access import SESSION_ORGANISATION_KEY, access_required
from accounts.enums import MembershipRole
from accounts.forms import ApiKeyCreateForm, OrganisationCreateForm
from accounts.models import ApiKey


@require_POST
@login_required
def organisation_switch(request):
    """Act for another of one's organisations (the header's selector)."""
    wanted = request.POST.get("organisation", "")
    membership = request.user.memberships.filter(organisation_id=wanted if wanted.isdigit() else None).first()
    if membership is None:
        messages.error(request, _("Vous n'êtes pas membre de cette organisation."))
    else:
        request.session[SESSION_ORGANISATION_KEY] = membership.organisation_id
        messages.success(request, _("Vous agissez désormais pour %(name)s.") % {"name": membership.organisation.name})
    return redirect("home")


@login_required
def organisation_create(request):
    """A person without an organisation declares theirs; they become its administrator."""
    form = OrganisationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation = services.organisation_create(
            kind=data.pop("kind"), name=data.pop("name"), by=request.user, **data
        )
        request.session[SESSION_ORGANISATION_KEY] = organisation.pk
        messages.success(request, _("Votre organisation « %(name)s » est créée.") % {"name": organisation.name})
        return redirect("home")
    return render(request, "accounts/organisation_form.html", {"form": form})


@access_required(roles=(MembershipRole.ADMIN,))
def api_keys(request):
    """The organisation admin's keys: create (the clear key is shown once) and revoke."""
    access = request.access
    form = ApiKeyCreateForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _api_key, new_key = services.api_key_create(
            organisation=access.organisation, name=form.cleaned_data["name"], by=request.user
        )
        form = ApiKeyCreateForm()
    keys = ApiKey.objects.filter(organisation=access.organisation).select_related("created_by")
    return render(request, "accounts/api_keys.html", {"form": form, "keys": keys, "new_key": new_key})


@require_POST
@access_required(roles=(MembershipRole.ADMIN,))
def api_key_revoke(request, pk: int):
    api_key = get_object_or_404(ApiKey.objects.filter(organisation=request.access.organisation), pk=pk)
    if services.api_key_revoke(api_key=api_key, by=request.user):
        messages.success(request, _("La clé « %(name)s » est révoquée.") % {"name": api_key.name})
    else:
        messages.info(request, _("Cette clé était déjà révoquée."))
    return redirect("api-keys")


def admin_login(request):
    """The admin's own login page would skip the second factor and the login limits: everyone logs in through
    allauth's page. A logged-in person the admin turned away is not staff: 403, not a loop of redirects."""
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
