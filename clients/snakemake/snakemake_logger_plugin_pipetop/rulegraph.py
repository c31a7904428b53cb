"""The rules in the order they run: Snakemake's rule graph, sorted topologically."""


def rule_order(graph):
    """Rule names from Snakemake's RULEGRAPH event ({"nodes": [{"rule"}], "links": [{"source",
    "target"}]}), upstream first; ties keep Snakemake's node order."""
    nodes = [str(n.get("rule")) for n in graph.get("nodes", []) if isinstance(n, dict)]
    ins = {i: 0 for i in range(len(nodes))}
    outs = {i: [] for i in range(len(nodes))}
    for link in graph.get("links", []):
        s, t = link.get("source"), link.get("target")
        if s in outs and t in ins and s != t:
            outs[s].append(t)
            ins[t] += 1
    ready = [i for i in range(len(nodes)) if ins[i] == 0]
    order = []
    while ready:
        ready.sort()
        i = ready.pop(0)
        order.append(i)
        for t in outs[i]:
            ins[t] -= 1
            if ins[t] == 0:
                ready.append(t)
    order += [i for i in range(len(nodes)) if i not in order]  # a cycle: keep the rest as given
    seen = []
    for i in order:
        if nodes[i] not in seen:
            seen.append(nodes[i])
    return seen
