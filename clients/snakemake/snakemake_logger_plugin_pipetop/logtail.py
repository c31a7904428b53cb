"""The last lines of a rule's log file, read without ever waiting long or failing."""

#: Lines of a failed job's log shown with it, and bytes read from its end at most.
LINES = 10
TAIL_BYTES = 8192


def last_lines(path, lines=LINES):
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            size = f.tell()
            f.seek(max(0, size - TAIL_BYTES))
            data = f.read(TAIL_BYTES)
    except (OSError, ValueError):
        return []
    text = data.decode("utf-8", "replace").replace("\r\n", "\n")
    kept = [line.rstrip() for line in text.split("\n") if line.strip()]
    if size > TAIL_BYTES and kept:
        kept = kept[1:]  # the first line read is probably cut
    return kept[-lines:]
