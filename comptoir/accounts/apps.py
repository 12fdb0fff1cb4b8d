from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "comptoir.accounts"
    label = "accounts"
    verbose_name = _("Comptes")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from comptoir.accounts.models import ApiToken, User
        from comptoir.accounts.selectors import token_forget

        # Cache coherence, not a business flow: whatever saves a user (role, active, language) or a token
        # drops the API's cached lookups of their tokens, so the next request reads them anew.
        def forget_user(sender, instance, **kwargs):
            token_forget(user_id=instance.pk)

        def forget_token(sender, instance, **kwargs):
            token_forget(key_hashes=[instance.key_hash])

        for signal in (post_save, post_delete):
            signal.connect(forget_user, sender=User, weak=False, dispatch_uid="accounts.token_forget_user")
            signal.connect(forget_token, sender=ApiToken, weak=False, dispatch_uid="accounts.token_forget_token")
