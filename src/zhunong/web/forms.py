from django.core.exceptions import ValidationError


def add_service_errors(form, exc: ValidationError) -> None:
    """Shows a service's ValidationError on the form: on the named field where the form has it,
    otherwise at the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
