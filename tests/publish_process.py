"""A publish in a process of its own, for tests/reports/test_publish_files.py to kill (SIGKILL) at a
chosen point. Run as `python -m tests.publish_process <plan id> <username> <pause>` with the
test's DATABASE_URL and MEDIA_ROOT in the environment. <pause>:

- "render": inside the render of the first document (nothing written yet);
- "prepared": after every document was rendered and written under its temporary name, before
  the publish's transaction (a publish hook of its own, after the reports app's);
- "transaction": inside the publish's transaction, after the files were moved to their final
  names and the rows inserted, before the commit;
- "none": publish to the end.

It prints "PAUSED <pause>" when it stops there (and sleeps until it is killed), and
"PUBLISHED" at the end."""

import sys
import time

import django

PAUSE_SECONDS = 120


def main(plan_id: str, username: str, pause: str) -> None:
    django.setup()
    from django.contrib.auth import get_user_model

    from measures import services as measure_services
    from measures.models import MeasurePlan
    from reports import render

    def stop(where):
        print(f"PAUSED {where}", flush=True)
        time.sleep(PAUSE_SECONDS)

    if pause == "render":
        real_render = render.render_pdf

        def slow_render(*args, **kwargs):
            stop("render")
            return real_render(*args, **kwargs)

        render.render_pdf = slow_render

    class Pause:
        def adopt(self, *, transition):
            if pause == "transaction":
                stop("transaction")

        def discard(self):
            pass

    def prepare(**kwargs):
        if pause == "prepared":
            stop("prepared")
        return Pause()

    measure_services.publish_hooks.append(prepare)
    plan = MeasurePlan.objects.get(pk=int(plan_id))
    measure_services.document_transition(plan=plan, actor=get_user_model().objects.get(username=username),
                                         action="publish")
    print("PUBLISHED", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
