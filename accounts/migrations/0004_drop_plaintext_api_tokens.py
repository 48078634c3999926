"""DRF's authtoken app is gone (its tokens were stored in plain text and could be made by an admin
for anyone); drop its table so no old key keeps working or lies around. Personal tokens are now
django-rest-knox tokens (hashed) made by their owner on /accounts/tokens/."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_password_tokens_staff_imports")]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
    ]
