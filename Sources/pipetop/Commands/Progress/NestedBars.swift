/// One phase's progress bars as `pipetop run` reads them from the command's output, turned
/// into the one count the phase shows.
///
/// A training loop draws two bars: epochs (`epoch 1/3`) and, inside each, batches (`batch
/// 10/40`) that start again from 0 every epoch. Followed as they come, the count would jump
/// between the two and restart its rate each time. A second bar with another total that
/// appears while the first is unfinished is taken as nested in it: the count is epochs done
/// times the batch total plus batches done (`1×40+10` of `3×40`), which moves smoothly over
/// the whole run. A bar that follows a finished one (or the same total again) is the next
/// bar: the count starts again (`reset`). Bars with the same total cannot be told apart.
/// Only bars drawn by tools that nest them (tqdm's layout) are read as nested: rsync's
/// percentage before its file counts is not an outer bar.
struct NestedBars: Sendable {
    private var outer: Bar?
    private var inner: Bar?
    private var lastSent: Int?

    struct Bar: Sendable, Equatable { var done: Int; var total: Int }

    /// The formats whose bars nest (tqdm's loops in loops; enlighten draws the same layout).
    static let nestingTools: Set<String> = ["tqdm"]

    /// What the phase gets: its count, total (nil for a count with none, as dd's bytes), and
    /// whether the count starts again (lower than the last sent).
    struct Count: Sendable, Equatable { var done: Int; var total: Int?; var reset: Bool }

    /// A bar's reading (`done` of `total`, total > 0); `nests`: from a tool whose bars can
    /// be nested.
    mutating func take(done d: Int, total t: Int, nests: Bool = true) -> Count {
        let now = Bar(done: d, total: t)
        guard nests else {
            outer = now; inner = nil
            return sent(d, total: t)
        }
        switch (outer, inner) {
        case (nil, _):
            outer = now
        case (let o?, nil):
            if t == o.total || o.done >= o.total { outer = now }  // the same bar, or the next one
            else { inner = now }                                  // a bar inside an unfinished one
        case (let o?, let i?):
            if t == o.total {
                // The outer bar moved on: what the inner did is counted in it now (the inner
                // starts again); gone back: a new run of bars.
                if d < o.done { inner = nil } else if d > o.done { inner = Bar(done: 0, total: i.total) }
                outer = now
            } else if d < i.done && i.done >= i.total {
                // A finished inner bar starting again: the outer moved on, though its line was
                // not read (two lines in one moment: only some are).
                outer = Bar(done: min(o.done + 1, o.total), total: o.total)
                inner = now
            } else if d < i.done {
                // The inner bar went back before it finished: not a nesting this reads; from
                // here the new bar is followed alone.
                outer = now; inner = nil
            } else {
                inner = now  // the inner bar (a new one each outer step, perhaps with another total)
            }
        }
        let shown: (done: Int, total: Int)
        if let o = outer, let i = inner {
            shown = (min(o.done, o.total) * i.total + min(i.done, i.total), o.total * i.total)
        } else {
            shown = (outer!.done, outer!.total)
        }
        return sent(shown.done, total: shown.total)
    }

    /// A count with no total (bytes so far): taken as it is.
    mutating func take(done d: Int) -> Count {
        outer = nil; inner = nil
        return sent(d, total: nil)
    }

    private mutating func sent(_ done: Int, total: Int?) -> Count {
        let reset = lastSent.map { done < $0 } ?? false
        lastSent = done
        return Count(done: done, total: total, reset: reset)
    }
}
