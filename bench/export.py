"""One export of every stored claim, in its own process so that its peak memory is its own:
prints {"seconds": ..., "peak_mb": ..., "baseline_mb": ..., "bytes": ...}.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.export csv|xlsx
"""

import json
import resource
import sys
import time

import django


def main() -> None:
    django.setup()
    from claims import exports
    from claims.models import Claim

    kind = sys.argv[1]
    claims = Claim.objects.order_by("pk")
    Claim.objects.exists()  # connect first: the baseline includes Django and a connection
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    size = 0
    if kind == "csv":
        for line in exports.csv_lines(claims):
            size += len(line.encode("utf-8"))
    else:
        handle = exports.xlsx_file(claims)
        size = len(handle.read())
        handle.close()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "peak_mb": round(peak, 1),
                "baseline_mb": round(baseline, 1),
                "bytes": size,
            }
        )
    )


if __name__ == "__main__":
    main()
