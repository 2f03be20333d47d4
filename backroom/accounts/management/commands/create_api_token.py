"""`backroom create_api_token USERNAME [--name NAME]`: a token for the JSON API (/api/v1/).

The token is printed once, alone on standard output so that a script can capture it; only its
digest is kept, so a lost token cannot be shown again: make a new one.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from backroom.accounts.models import User
from backroom.accounts.services import create_api_token


class Command(BaseCommand):
    help = (
        "Create an API token for USERNAME and print it (once). Send it as "
        "'Authorization: Bearer <token>' to /api/v1/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The user the token acts as.")
        parser.add_argument(
            "--name", default="command line", help="What the token is for (default: %(default)s)."
        )

    def handle(self, *args, **options) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"There is no user {options['username']!r}.")
        if not user.is_active:
            raise CommandError(f"The user {user.username!r} is inactive.")
        try:
            token, raw = create_api_token(user=user, name=options["name"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(raw)
        self.stderr.write(f"Token {token.pk} ({token.name}) for {user.username}: shown only now.")
