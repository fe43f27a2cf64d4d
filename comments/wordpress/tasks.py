"""The admin's WordPress import, run by the worker: the upload page only
stores the file and queues this."""

import logging
from pathlib import Path

from django.utils import timezone
from django_tasks import task

from comments.wordpress import importer
from comments.wordpress.models import WxrImport

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 10  # items between two writes of the progress


@task()
def run_import(import_id):
    job = WxrImport.objects.filter(pk=import_id, state=WxrImport.State.QUEUED).first()
    if job is None:
        return None
    job.state = WxrImport.State.RUNNING
    job.save(update_fields=["state"])
    done = 0

    def progress(number):
        nonlocal done
        done += number
        if done % PROGRESS_EVERY == 0:
            WxrImport.objects.filter(pk=job.pk).update(items_done=done)

    path = Path(job.stored_as)
    try:
        report = importer.run(
            path,
            importer.Options(dry_run=job.dry_run),
            progress=progress,
            on_total=lambda total: _total(job, total),
        )
        job.report = "\n".join(report.lines())
        job.state = WxrImport.State.DONE
    except importer.ImportFailed as error:
        job.report = str(error)
        job.state = WxrImport.State.FAILED
    except Exception:
        logger.exception("WordPress import %s failed", job.pk)
        job.report = "The import stopped with an unexpected error (see the server's log)."
        job.state = WxrImport.State.FAILED
    finally:
        path.unlink(missing_ok=True)
    job.items_done = done
    job.finished_at = timezone.now()
    job.save()
    return job.state


def _total(job, total):
    job.items_total = total
    job.save(update_fields=["items_total"])
