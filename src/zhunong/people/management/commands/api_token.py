"""`zhunong api_token USER NAME`: issues an API token for a user and prints it once."""

from django.core.management.base import BaseCommand, CommandError

from zhunong.people.models import ApiToken, User


class Command(BaseCommand):
    help = "Issues an API bearer token for a user (user name or mobile) and prints it once."

    def add_arguments(self, parser):
        parser.add_argument("user", help="user name or mobile number")
        parser.add_argument("name", help="what the token is for, e.g. 'district reporting'")

    def handle(self, *args, user, name, **options):
        found = (
            User.objects.filter(username=user).first() or User.objects.filter(mobile=user).first()
        )
        if found is None:
            raise CommandError(f"没有用户 {user}")
        if not found.is_active:
            raise CommandError(f"用户 {user} 已停用")
        _token, raw = ApiToken.issue(found, name.strip() or "api")
        self.stdout.write(raw)
        self.stderr.write("请妥善保存：令牌只显示这一次。使用方法：Authorization: Bearer <令牌>")
