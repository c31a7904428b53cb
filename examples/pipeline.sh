#!/usr/bin/env bash
# A shell pipeline that reports into pipetop with `pipetop emit` (or `socat`, see README).
#   pipetop daemon &   (or `pipetop` in another pane)   then   bash examples/pipeline.sh
set -euo pipefail
PIPETOP=${PIPETOP:-pipetop}
job=backup-$$
$PIPETOP emit job.start --job "$job" name=example-backup phases='["archive","upload"]'
$PIPETOP emit phase.start --job "$job" --phase archive total=5 unit=dirs
for i in 1 2 3 4 5; do
    sleep 0.2                                 # tar a directory here
    $PIPETOP emit progress --job "$job" --phase archive done=$i
done
$PIPETOP emit phase.end --job "$job" --phase archive
# Or wrap a command that prints N/M as it goes, with no change to it:
$PIPETOP run --job "$job-upload" --name example-upload --progress-from stdout -- \
    sh -c 'for i in 1 2 3 4; do echo "part $i/4"; sleep 0.2; done'
$PIPETOP emit job.end --job "$job" status=completed
echo done
