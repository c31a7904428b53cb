"""`python -m pipetop.luigi ARGS`: the `luigi` command with its runs reported to pipetop."""

from pipetop.luigi import main

main()
