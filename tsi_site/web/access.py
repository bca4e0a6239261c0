"""Who may see the pages: readers need a login unless ``TSI_PUBLIC_READ`` is on."""

from django.contrib.auth.decorators import user_passes_test

from schedules.permissions import can_read

# Anonymous visitors who may not read are sent to the login page (settings.LOGIN_URL).
read_required = user_passes_test(can_read)
