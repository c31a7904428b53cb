"""The order of a run's task families: upstream first, from the dependencies luigi found."""


def family_order(roots, deps, family):
    """Families in the order their first task comes in a walk that puts every task after its
    dependencies. `roots` are task ids, `deps` maps a task id to its dependencies' ids (in
    `requires()` order), `family` maps a task id to its family. Iterative: graphs may be deep."""
    seen = set()
    order = []
    for root in roots:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(deps.get(root, ())))]
        while stack:
            task, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                order.append(task)
            elif child not in seen:
                seen.add(child)
                stack.append((child, iter(deps.get(child, ()))))
    families = []
    for task in order:
        f = family.get(task)
        if f is not None and f not in families:
            families.append(f)
    return families
