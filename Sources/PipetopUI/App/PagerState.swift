/// Where the pager is in its text: the first line shown, and whether it follows the end (a
/// log). Its search is the `/` filter of the `.text` list.
public struct PagerState: Sendable, Equatable {
    public var top = 0
    public var follow = false

    public init(follow: Bool = false) { self.follow = follow }
}
