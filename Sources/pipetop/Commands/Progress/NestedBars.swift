/// One phase's progress bars as `pipetop run` reads them from the command's output, turned
/// into the one count the phase shows.
///
/// A training loop draws two bars: epochs (`epoch 1/3`) and, inside each, batches (`batch
/// 10/40`) that start again from 0 every epoch. Followed as they come, the count would jump
/// between the two and restart its rate each time. A second bar with another total that
/// appears while the first (a bar of a tool whose bars nest) is unfinished is taken as nested
/// in it: the count is epochs done times the first batch bar's total plus the share of the
/// current batch bar done on that scale (`1×40+10` of `3×40`), which moves smoothly over the
/// whole run, also when the last batch bar of an epoch is shorter. A bar that follows a
/// finished one, has the outer's total, or does not nest (a percentage, rsync's files) is the
/// next bar: the count starts again (`reset`). Two levels are read: a third bar's readings
/// are passed over while both others are unfinished.
struct NestedBars: Sendable {
    struct Bar: Sendable, Equatable {
        var done: Int
        var total: Int
        var finished: Bool { done >= total }
    }

    /// What the phase gets: its count, total (nil for a count with none, as dd's bytes), and
    /// whether the count starts again (lower than the last sent).
    struct Count: Sendable, Equatable { var done: Int; var total: Int?; var reset: Bool }

    /// The formats whose bars nest (tqdm's loops in loops; enlighten draws the same layout).
    static let nestingTools: Set<String> = ["tqdm"]

    /// Largest count the engine takes (integers JSON and JavaScript read exactly): nesting
    /// that would pass it is not done.
    static let largest = 1 << 53

    private var outer: Bar?
    /// Whether the outer bar's tool nests bars.
    private var outerNests = false
    private var inner: Bar?
    /// The inner bar is the one made at 0 when the outer moved on, not yet drawn: the next
    /// inner bar may have another total.
    private var innerAwaited = false
    /// The inner bars' scale: the first inner bar's total (later ones, perhaps shorter, are
    /// counted as shares of it, so the count never goes back when an epoch's last is short).
    private var scale = 0
    /// A count with no total (bytes so far).
    private var untotalled: Int?
    private var lastSent: Int?

    /// Takes a bar's reading (`done` of `total`, total > 0); `nests`: from a tool whose bars
    /// can be nested.
    mutating func observe(done d: Int, total t: Int, nests: Bool) {
        let now = Bar(done: d, total: t)
        untotalled = nil
        guard nests, let o = outer, outerNests else { return next(now, nests: nests) }
        guard let i = inner else {
            // A bar inside an unfinished one; else the same bar, or the next.
            let product = o.total.multipliedReportingOverflow(by: t)
            if t != o.total && !o.finished && !product.overflow && product.partialValue <= Self.largest {
                inner = now; scale = t; innerAwaited = false
            } else {
                next(now, nests: nests)
            }
            return
        }
        if t == o.total {
            // The outer bar moved on: what the inner did is counted in it now (the inner starts
            // again); gone back: a new run of bars.
            if d < o.done { next(now, nests: nests) } else {
                if d > o.done { inner = Bar(done: 0, total: i.total); innerAwaited = true }
                outer = now
            }
        } else if o.finished {
            next(now, nests: nests)  // after the last outer step: the next bar
        } else if t == i.total && d >= i.done {
            inner = now; innerAwaited = false  // the inner bar moving (or drawn again)
        } else if i.finished {
            // A bar after a finished inner one with no outer step read between (two lines in
            // one moment: only some are read): the outer moved on; after its last step, the
            // bar is the next one.
            let stepped = Bar(done: o.done + 1, total: o.total)
            if stepped.finished { return next(now, nests: nests) }
            outer = stepped; inner = now; innerAwaited = false
        } else if t == i.total {
            // The inner bar went back before it finished: not a nesting this reads; from
            // here the new bar is followed alone.
            next(now, nests: nests)
        } else if innerAwaited {
            inner = now; innerAwaited = false  // the next inner bar, with another total
        }
        // Else a third bar inside the inner one, or an unrelated one: passed over.
    }

    /// A count with no total (bytes so far): taken as it is.
    mutating func observe(done d: Int) {
        outer = nil; inner = nil
        untotalled = d
    }

    /// The count to send for what was observed, remembered as the last sent.
    mutating func count() -> Count? {
        let shown: (done: Int, total: Int?)
        if let u = untotalled {
            shown = (u, nil)
        } else if let o = outer, let i = inner {
            shown = (min(o.done, o.total) * scale + min(i.done, i.total) * scale / i.total, o.total * scale)
        } else if let o = outer {
            shown = (o.done, o.total)
        } else {
            return nil
        }
        let reset = lastSent.map { shown.done < $0 } ?? false
        lastSent = shown.done
        return Count(done: shown.done, total: shown.total, reset: reset)
    }

    /// `bar` is followed alone from here.
    private mutating func next(_ bar: Bar, nests: Bool) {
        outer = bar; outerNests = nests; inner = nil; scale = 0; innerAwaited = false
    }
}
