#pragma once
// The "Save" button every chart has: PNG, SVG or the clipboard, through ChartExporter.
class QToolButton;

namespace aqui {

class ChartPanel;

/// A tool button with the save menu for `chart` (parented to it by the caller's layout).
QToolButton* makeChartSaveButton(ChartPanel* chart);

}  // namespace aqui
