"""Writes of the site settings and the reference lists (admin only)."""

import os
import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation

import phonenumbers
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError, Conflict
from comptoir.core.models import ReferenceItem, SiteSettings, WorkerHeartbeat
from comptoir.core.selectors import site_settings_forget, worker_status_forget
from comptoir.core.versioning import check_version, lock_one, save_versioned
from comptoir.timeline.services import timeline_record

DUPLICATE_NAME = _("Une entrée porte déjà ce nom dans cette liste.")
DUPLICATE_CODE = _("Une entrée porte déjà ce code dans cette liste.")
NAME_REQUIRED = _("Le nom (français) est obligatoire.")
LISTS_FORBIDDEN = _("Seul un administrateur gère les listes.")
SETTINGS_FORBIDDEN = _("Seul un administrateur modifie les paramètres.")
BAD_REGION = _("Région téléphonique inconnue (code ISO à deux lettres, p. ex. CA).")
BAD_CURRENCY = _("Devise invalide : trois lettres majuscules ISO 4217 (p. ex. CAD).")
BAD_DOMAIN = _("Domaine invalide (p. ex. aucun-courriel.invalid).")
BAD_PATTERNS = _("La liste des adresses fictives doit être une liste de textes.")
BAD_TAXES = _("Chaque taxe a un code, un nom et un taux entre 0 et 100.")
BAD_MATRIX = _("Matrice invalide : rôle → action (win, lose, suspend, resume, reopen) → own ou any.")
BAD_TARGET = _("La cible doit être comprise entre 0 et 100.")
BAD_GST = _("No de TPS invalide : neuf chiffres, RT et quatre chiffres (p. ex. 123456789 RT0001).")
BAD_QST = _("No de TVQ invalide : dix chiffres, TQ et quatre chiffres (p. ex. 1234567890 TQ0001).")
BAD_WEBSITE = _("Site web invalide (p. ex. www.exemple.ca).")
LOGO_NOT_AN_IMAGE = _("Le logo doit être une image PNG, JPEG, GIF ou WebP.")
LOGO_TOO_BIG = _("Le logo dépasse 2 Mo.")
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}

REFERENCE_FIELDS = ("name", "name_en", "name_pl", "code", "position", "active")
ROLES = ("salesperson", "sales_manager", "reception", "admin")


def _clean_reference_values(model, values: dict, instance=None) -> dict:
    editable = (*REFERENCE_FIELDS, *getattr(model, "EXTRA_EDITABLE_FIELDS", ()))
    cleaned = {k: v for k, v in values.items() if k in editable}
    for key in ("name", "name_en", "name_pl"):
        if key in cleaned and cleaned[key] is not None:
            cleaned[key] = cleaned[key].strip()
    if "name" in cleaned and not cleaned["name"]:
        raise ApplicationError(NAME_REQUIRED, field="name")
    if cleaned.get("code") == "":
        cleaned["code"] = None
    others = model.objects.exclude(pk=instance.pk) if instance else model.objects.all()
    if cleaned.get("name") and others.filter(name=cleaned["name"]).exists():
        raise Conflict(DUPLICATE_NAME, field="name")
    if cleaned.get("code") and others.filter(code=cleaned["code"]).exists():
        raise Conflict(DUPLICATE_CODE, field="code")
    return cleaned


@transaction.atomic
def reference_item_create(*, actor, model: type[ReferenceItem], **values) -> ReferenceItem:
    permissions.require(actor, "manage_lists", LISTS_FORBIDDEN)
    cleaned = _clean_reference_values(model, values)
    item = model(**cleaned)
    item.full_clean()
    item.save()
    _audit(actor, item, "reference_item_created", cleaned)
    return item


def _audit(actor, subject, verb: str, values: dict) -> None:
    """An admin's change of the configuration, in its timeline and so in the audit log."""
    timeline_record(actor=actor, subject=subject, verb=verb,
                    data={"model": subject._meta.label, "values": {k: str(v) for k, v in values.items()}})


@transaction.atomic
def reference_item_update(*, actor, model: type[ReferenceItem], pk, version: int | None = None,
                          **values) -> ReferenceItem:
    """Rename, reorder, (de)activate. Entries are never deleted: history points at them."""
    permissions.require(actor, "manage_lists", LISTS_FORBIDDEN)
    item = lock_one(model, pk)
    check_version(item, version)
    cleaned = _clean_reference_values(model, values, instance=item)
    for key, value in cleaned.items():
        setattr(item, key, value)
    item.full_clean()
    save_versioned(item, list(cleaned))
    _audit(actor, item, "reference_item_updated", cleaned)
    return item


def _validate_taxes(taxes) -> list[dict]:
    if not isinstance(taxes, list):
        raise ApplicationError(BAD_TAXES, field="taxes")
    cleaned = []
    for tax in taxes:
        if not isinstance(tax, dict) or not tax.get("code") or not tax.get("name"):
            raise ApplicationError(BAD_TAXES, field="taxes")
        try:
            rate = Decimal(str(tax.get("rate")))
        except (InvalidOperation, ValueError):
            raise ApplicationError(BAD_TAXES, field="taxes") from None
        if not rate.is_finite() or not Decimal("0") <= rate <= Decimal("100"):
            raise ApplicationError(BAD_TAXES, field="taxes")
        applies_to = tax.get("applies_to") or ["standard"]
        if not isinstance(applies_to, list) or not all(isinstance(c, str) and c.strip() for c in applies_to) \
                or "exempt" in applies_to:
            raise ApplicationError(BAD_TAXES, field="taxes")
        cleaned.append({
            "code": str(tax["code"]), "name": str(tax["name"]),
            "name_en": str(tax.get("name_en") or tax["name"]), "rate": str(rate),
            # The line tax classes it applies to; "exempt" lines pay none.
            "applies_to": [c.strip()[:20] for c in applies_to],
        })
    return cleaned


def _validate_matrix(matrix) -> dict:
    if not isinstance(matrix, dict):
        raise ApplicationError(BAD_MATRIX, field="status_matrix")
    for role, actions in matrix.items():
        if role not in ROLES or not isinstance(actions, dict):
            raise ApplicationError(BAD_MATRIX, field="status_matrix")
        for action, scope in actions.items():
            if action not in permissions.STATUS_ACTION_NAMES or scope not in (
                permissions.SCOPE_OWN, permissions.SCOPE_ANY
            ):
                raise ApplicationError(BAD_MATRIX, field="status_matrix")
    return matrix


def site_settings_clean(values: dict) -> dict:
    """Check and normalise settings values; raises ApplicationError naming the field."""
    cleaned = dict(values)
    if "default_phone_region" in cleaned:
        region = str(cleaned["default_phone_region"]).upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ApplicationError(BAD_REGION, field="default_phone_region")
        cleaned["default_phone_region"] = region
    if "currency" in cleaned and not re.fullmatch(r"[A-Z]{3}", str(cleaned["currency"])):
        raise ApplicationError(BAD_CURRENCY, field="currency")
    if "placeholder_email_domain" in cleaned:
        domain = str(cleaned["placeholder_email_domain"]).strip().lower()
        if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", domain):
            raise ApplicationError(BAD_DOMAIN, field="placeholder_email_domain")
        cleaned["placeholder_email_domain"] = domain
    if "fake_email_patterns" in cleaned:
        patterns = cleaned["fake_email_patterns"]
        if not isinstance(patterns, list) or not all(isinstance(p, str) and p.strip() for p in patterns):
            raise ApplicationError(BAD_PATTERNS, field="fake_email_patterns")
        cleaned["fake_email_patterns"] = [p.strip().lower() for p in patterns]
    if "email_ratio_target_pct" in cleaned:
        target = Decimal(str(cleaned["email_ratio_target_pct"]))
        if not Decimal("0") <= target <= Decimal("100"):
            raise ApplicationError(BAD_TARGET, field="email_ratio_target_pct")
        cleaned["email_ratio_target_pct"] = target
    if "taxes" in cleaned:
        cleaned["taxes"] = _validate_taxes(cleaned["taxes"])
    if "status_matrix" in cleaned:
        cleaned["status_matrix"] = _validate_matrix(cleaned["status_matrix"])
    cleaned.update(_clean_dealer({k: v for k, v in cleaned.items() if k in DEALER_FIELDS}))
    return cleaned


# The registration numbers as Revenu Québec prints them; typed with or without spaces and dashes.
GST_NUMBER = re.compile(r"(\d{9})RT(\d{4})")
QST_NUMBER = re.compile(r"(\d{10})TQ(\d{4})")
CANADIAN_POSTAL_CODE = re.compile(r"([A-Z]\d[A-Z])(\d[A-Z]\d)")
WEBSITE = re.compile(r"(https?://)?[\w-]+(\.[\w-]+)+(:\d+)?(/\S*)?", re.IGNORECASE)


def _clean_dealer(values: dict) -> dict:
    """The dealer's identity, trimmed; the registration numbers and a Canadian postal code written
    one way (123456789 RT0001, 1234567890 TQ0001, H2X 1Y4), whatever spacing was typed."""
    cleaned = {key: " ".join(str(value or "").split()) for key, value in values.items()}
    for key, pattern, message, template in (("gst_number", GST_NUMBER, BAD_GST, "{} RT{}"),
                                            ("qst_number", QST_NUMBER, BAD_QST, "{} TQ{}")):
        if cleaned.get(key):
            compact = re.sub(r"[\s.-]", "", cleaned[key]).upper()
            match = pattern.fullmatch(compact)
            if not match:
                raise ApplicationError(message, field=key)
            cleaned[key] = template.format(*match.groups())
    if cleaned.get("dealer_postal_code"):
        compact = cleaned["dealer_postal_code"].replace(" ", "").upper()
        match = CANADIAN_POSTAL_CODE.fullmatch(compact)
        cleaned["dealer_postal_code"] = f"{match[1]} {match[2]}" if match else cleaned["dealer_postal_code"].upper()
    if cleaned.get("dealer_province"):
        cleaned["dealer_province"] = cleaned["dealer_province"].upper()
    if cleaned.get("dealer_email"):
        cleaned["dealer_email"] = cleaned["dealer_email"].lower()
    if cleaned.get("dealer_website") and not WEBSITE.fullmatch(cleaned["dealer_website"]):
        raise ApplicationError(BAD_WEBSITE, field="dealer_website")
    return cleaned


# DESIGN (Running): the dealer's identity, printed on every customer document and email footer.
DEALER_FIELDS = (
    "dealer_legal_name", "dealer_trade_name", "dealer_address", "dealer_city", "dealer_province",
    "dealer_postal_code", "dealer_phone", "dealer_email", "dealer_website", "gst_number", "qst_number",
    "dealer_permit",
)
SETTINGS_FIELDS = (
    "placeholder_email_domain", "fake_email_patterns", "email_ratio_target_pct",
    "email_missing_points", "default_phone_region", "currency", "taxes",
    "trade_in_tax_credit", "status_matrix", "margin_warning_pct",
    *DEALER_FIELDS,
)


def _site_settings_lock(actor) -> SiteSettings:
    """The one settings row, created when missing, row-locked for an admin's change."""
    permissions.require(actor, "manage_settings", SETTINGS_FORBIDDEN)
    SiteSettings.objects.get_or_create(pk=1)
    return lock_one(SiteSettings, 1)


def _site_settings_changed(actor, site_settings: SiteSettings, values: dict) -> None:
    """After an admin's change: the audit log, and the cached row forgotten now for this process and
    again at commit, in case a reader cached the old row meanwhile."""
    _audit(actor, site_settings, "settings_updated", values)
    site_settings_forget()
    transaction.on_commit(site_settings_forget)


@transaction.atomic
def site_settings_update(*, actor, version: int | None = None, **values) -> SiteSettings:
    site_settings = _site_settings_lock(actor)
    check_version(site_settings, version)
    cleaned = site_settings_clean({k: v for k, v in values.items() if k in SETTINGS_FIELDS})
    for key, value in cleaned.items():
        setattr(site_settings, key, value)
    site_settings.full_clean()
    save_versioned(site_settings, [*cleaned, "updated_at"])
    _site_settings_changed(actor, site_settings, cleaned)
    return site_settings


def logo_check(logo) -> str:
    """The image's format, checked by decoding it (a renamed file is not an image)."""
    if logo.size > LOGO_MAX_BYTES:
        raise ApplicationError(LOGO_TOO_BIG, field="logo")
    try:
        with Image.open(logo) as image:
            image.verify()
            image_format = image.format
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise ApplicationError(LOGO_NOT_AN_IMAGE, field="logo") from None
    if image_format not in LOGO_FORMATS:
        raise ApplicationError(LOGO_NOT_AN_IMAGE, field="logo")
    logo.seek(0)
    return image_format


@transaction.atomic
def site_settings_set_logo(*, actor, logo) -> SiteSettings:
    """DESIGN (Running): the dealer's logo on every customer document. `logo` None takes it away;
    the file it replaces leaves the storage once the change is committed."""
    site_settings = _site_settings_lock(actor)
    old = site_settings.dealer_logo.name or None
    if logo is None:
        site_settings.dealer_logo = ""
    else:
        image_format = logo_check(logo)
        extension = {"JPEG": ".jpg"}.get(image_format, "." + image_format.lower())
        stem = os.path.splitext(os.path.basename(logo.name or ""))[0][:50] or "logo"
        site_settings.dealer_logo.save(stem + extension, logo, save=False)
    save_versioned(site_settings, ["dealer_logo", "updated_at"])
    if old and old != site_settings.dealer_logo.name:
        storage = site_settings.dealer_logo.storage
        transaction.on_commit(lambda: storage.delete(old))
    _site_settings_changed(actor, site_settings, {"dealer_logo": site_settings.dealer_logo.name or ""})
    return site_settings


# --- The background worker's heartbeat ------------------------------------------------------------

# A heartbeat left by a worker that was killed (no clean exit) goes once this old.
WORKER_HEARTBEAT_KEPT_DAYS = 1


def worker_heartbeat_record(*, name: str) -> None:
    """DESIGN (Running): the worker `name` (host:pid) is alive now. Each worker writes only its own row,
    at start and every few seconds, so no lock is needed; its first beat clears the rows of dead workers
    and the cached status, so the managers' banner goes as soon as a worker starts."""
    now = timezone.now()
    if WorkerHeartbeat.objects.filter(name=name).update(seen_at=now):
        return
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=WORKER_HEARTBEAT_KEPT_DAYS)).delete()
    WorkerHeartbeat.objects.create(name=name, seen_at=now)
    worker_status_forget()


def worker_heartbeat_forget(*, name: str) -> None:
    """The worker `name` stops cleanly: it no longer counts as alive."""
    WorkerHeartbeat.objects.filter(name=name).delete()
    worker_status_forget()
