#!/usr/bin/env python3
"""A small ETL job that reports into pipetop: fetch, transform, load, with a checkpoint.

    pipetop daemon &                     # or `pipetop` in another pane
    PYTHONPATH=clients/python python3 examples/etl.py
"""
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "clients", "python"))
import pipetop  # noqa: E402

rows = list(range(400))
with pipetop.job("example-etl", phases=["fetch", "transform", "load"], labels={"pipeline": "example-etl"}) as job:
    with job.phase("fetch", total=20, unit="pages") as ph:
        for page in range(20):
            ph.step("page %d" % page)
            time.sleep(0.05)
            ph.step("page %d" % page, "done")
            ph.advance()
    for row in pipetop.tqdm(rows, phase="transform", job=job):
        time.sleep(random.uniform(0.001, 0.004))
    job.checkpoint("transformed", data={"rows": len(rows)})
    with job.phase("load", total=len(rows), unit="rows") as ph:
        for i in range(0, len(rows), 50):
            time.sleep(0.05)
            ph.advance(50)
    job.metric("rows_loaded", len(rows))
print("done")
