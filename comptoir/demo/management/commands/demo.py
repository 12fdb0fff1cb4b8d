"""`comptoir demo`: loads the demo dealership into an empty database and prints the demo logins."""

import math

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.demo.services import demo_is_loaded, demo_load, demo_logins, demo_scale

BAD_SCALE = gettext_lazy("L'échelle de la démo (--scale ou DEMO_SCALE) est un nombre plus grand que zéro.")


class Command(BaseCommand):
    help = "Load the demo dealership (18 months of history, dated from today) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing (successfully) when the database already has users.")
        parser.add_argument("--scale", type=float, default=None,
                            help="Size of the dealership: 1 (default, or DEMO_SCALE) is about 3,000 customers.")

    def handle(self, *args, if_empty=False, scale=None, **options):
        if demo_is_loaded():
            if if_empty:
                self.stdout.write(_("La base contient déjà des données : démo non chargée."))
                self.print_logins()
                return
            raise CommandError(_("La base contient déjà des utilisateurs : la démo se charge dans une base vide."))
        try:
            scale = demo_scale() if scale is None else scale
        except ValueError:
            scale = 0
        if not (scale > 0 and math.isfinite(scale)):
            raise CommandError(BAD_SCALE)
        self.stdout.write(_("Chargement de la démo : dix-huit mois d'une concession, un moment…"))
        result = demo_load(scale=scale)
        counts = ", ".join(f"{name}: {count}" for name, count in result.counts.items())
        self.stdout.write(self.style.SUCCESS(_("Démo chargée (%(counts)s).") % {"counts": counts}))
        self.print_logins()

    def print_logins(self):
        logins = demo_logins()
        if not logins:
            return
        self.stdout.write(_("Connexions de démo (tant que le mot de passe n'a pas été changé) :"))
        for username, password, role in logins:
            self.stdout.write(f"  {username:<22} {password:<16} {role}")
