"""Background work of imports, run by the task worker (`zhunong db_worker`)."""

from django.tasks import task

from .models import ImportBatch
from .services import batch_run


@task()
def run_import(batch_id: int) -> str:
    batch = ImportBatch.objects.get(pk=batch_id)
    batch = batch_run(batch)
    return batch.state
