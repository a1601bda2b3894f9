#pragma once
// Maximising a chart: it is lifted out of its splitter or layout onto an overlay that covers the
// window's working area (menus and status bar stay), and put back where it was on restore.
// A chart is small in a four-chart row at 1024x700; this is how one is read in full.
class QToolButton;
class QWidget;

namespace aqui {

/// Maximises `chart`, or restores it when it is maximised. Does nothing for a top-level widget.
void toggleMaximised(QWidget* chart);
bool isMaximised(const QWidget* chart);
/// A "Maximise"/"Restore" tool button for a chart's controls row (object name "maximiseChart").
QToolButton* makeMaximiseButton(QWidget* chart);

}  // namespace aqui
