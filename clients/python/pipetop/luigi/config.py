"""pipetop's own settings in a Luigi run: `--pipetop-name NAME` on luigi's command line, or
`[pipetop] name = NAME` in luigi.cfg (luigi parses both, as for any of its Config classes)."""

import luigi


class pipetop(luigi.Config):  # noqa: N801 (luigi names the section and the flags after the class)
    name = luigi.Parameter(default="", description="The name of the job pipetop shows for this run "
                           "(default: the root task's family)")
