"""A luigi pipeline for the tests, written as any luigi user would (nothing of pipetop's in it):
Fetch(part=1..N) -> Clean -> Report, and Load of an external Source. PIPELINE_OUT is where outputs go; PIPELINE_FAIL=Clean
makes Clean raise; PIPELINE_GATE=FILE makes Fetch wait (at most 20 s) for that file."""

import os
import time

import luigi



def out(name):
    return luigi.LocalTarget(os.path.join(os.environ.get("PIPELINE_OUT", "."), name))


class Source(luigi.ExternalTask):
    """Data made outside luigi (for the missing-data test)."""

    def output(self):
        return out("source.csv")


class Load(luigi.Task):
    def requires(self):
        return Source()

    def output(self):
        return out("load.txt")

    def run(self):
        with self.output().open("w") as f:
            f.write("loaded\n")


class Fetch(luigi.Task):
    part = luigi.IntParameter()

    def output(self):
        return out("fetch-%d.txt" % self.part)

    def run(self):
        gate = os.environ.get("PIPELINE_GATE")
        deadline = time.time() + 20
        while gate and not os.path.exists(gate) and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.1)
        with self.output().open("w") as f:
            f.write("rows of part %d\n" % self.part)


class Clean(luigi.Task):
    parts = luigi.IntParameter(default=1)

    def requires(self):
        return [Fetch(part=i) for i in range(1, self.parts + 1)]

    def output(self):
        return out("clean.txt")

    def run(self):
        time.sleep(0.1)
        if os.environ.get("PIPELINE_FAIL") == "Clean":
            raise ValueError("3 rows have no date (first: row 17)")
        with self.output().open("w") as f:
            f.write("clean\n")


class Report(luigi.Task):
    parts = luigi.IntParameter(default=1)

    def requires(self):
        return Clean(parts=self.parts)

    def output(self):
        return out("report.txt")

    def run(self):
        with self.output().open("w") as f:
            f.write("report\n")
