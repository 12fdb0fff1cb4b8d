"""Comparing two customers and merging one into the other. Thin: services decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from comptoir.core.views import refusal_as_message
from comptoir.customers import selectors, services


@login_required
def customer_compare(request, pk, other_pk):
    """The two cards side by side; merging keeps the left one."""
    customer = selectors.customer_get(actor=request.user, pk=pk)
    other = selectors.customer_get(actor=request.user, pk=other_pk)
    if request.method == "POST":  # refused, the comparison again, under the reason
        with refusal_as_message(request):
            services.customer_merge(actor=request.user, customer_id=pk, other_id=other_pk)
            messages.success(request, _("Fiches fusionnées : rien n'a été perdu."))
            return redirect("customer-card", pk)
    rows = [
        (_("Nom"), customer.display_name, other.display_name),
        (_("Courriel"), customer.email, other.email),
        (_("Téléphones"), ", ".join(p.number for p in customer.phones.all()),
         ", ".join(p.number for p in other.phones.all())),
        (_("Adresse"), f"{customer.address_line1} {customer.city} {customer.postal_code}".strip(),
         f"{other.address_line1} {other.city} {other.postal_code}".strip()),
        (_("No DMS"), customer.external_id, other.external_id),
        (_("Vendeur"), customer.salesperson or "", other.salesperson or ""),
        (_("Créé le"), customer.created_at, other.created_at),
    ]
    return render(request, "customers/compare.html", {"customer": customer, "other": other, "rows": rows})
