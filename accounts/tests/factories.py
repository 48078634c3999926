import factory

from accounts.models import ROLE_LEVEL, User
from accounts.services import user_bind_role


class UserFactory(factory.django.DjangoModelFactory):
    """A user with no role unless `role` and `node` are given: UserFactory(role=..., node=grid)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "王"
    first_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @classmethod
    def _create(cls, model_class, *args, role="", node=None, **kwargs):
        user = model_class(*args, **kwargs)
        if role:
            user_bind_role(user=user, role=role, node=node)
        user.save()
        return user

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save(update_fields=["password"])


__all__ = ["ROLE_LEVEL", "UserFactory"]
