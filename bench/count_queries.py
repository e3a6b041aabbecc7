"""Print, as JSON, the status and SQL query count of anonymous GETs of one path.

Run by bench/run.py in a subprocess with the benchmark's environment, so it counts against the
same database and settings gunicorn serves: `python bench/count_queries.py /c/lf/`.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def count(path):
    """Status and queries of a cold first GET and a warm second one (what wrk measures), timed."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    figures = {"path": path}
    for label in ("cold", "warm"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        figures[label] = {"status": response.status_code, "queries": len(captured)}
    figures["sql"] = [
        {"ms": round(float(query["time"]) * 1000, 2), "sql": query["sql"]}
        for query in captured.captured_queries
    ]
    return figures


def main(argv):
    """Set Django up from the environment and print the counts for the path in argv."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roundtable.settings")
    import django

    django.setup()
    print(json.dumps(count(argv[1]), ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv)
