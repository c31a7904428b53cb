/// Anything drawn on the dashboard, from a progress bar to a whole screen: it draws into a
/// rectangle of a grid, and what it draws comes with it as a value, so a widget is a
/// function of that value and the rectangle. Nothing in a widget knows about the terminal.
public protocol Widget {
    func render(into grid: inout Grid, rect: Rect)
}
