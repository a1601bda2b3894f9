#include "ui/charts/chart_help.h"

#include <map>

namespace aqui {

namespace {

struct ChartHelp {
  QString anchor;  // section of the manual
  QString title;
  QString body;    // what it plots, then how to read it
};

const std::map<QString, ChartHelp>& table() {
  static const std::map<QString, ChartHelp> kTable = {
      {"memory",
       {"chart-memory", "Memory",
        "The process's resident memory (MiB) over the run: <i>anon</i> is the program's own memory, "
        "<i>file</i> the pages of the memory-mapped model, <i>RSS</i> their sum; the red point is the peak. "
        "Streaming keeps it flat, batch climbs with the model."}},
      {"accuracy",
       {"chart-accuracy", "Per-layer accuracy",
        "One point per quantized tensor, in model order: SQNR (dB, higher is better), cosine similarity or "
        "relative error, chosen above the chart. Dips are the layers that lose most; hover a point for its "
        "name. With calibration the solid line is the output SQNR, the faded one the weight SQNR."}},
      {"speed",
       {"chart-speed", "Speed",
        "Input MB/s over time (current and average since the start), or per layer. A run too short to "
        "plot over time is shown per layer, and the title says so."}},
      {"timestep-heatmap",
       {"chart-heatmap", "Output SQNR per layer and timestep",
        "From a calibrated run: one cell per layer (across) and timestep bucket (up), coloured by output "
        "SQNR: yellow is good, dark purple poor, grey no data. A dark row is a noise level where the model "
        "suffers, a dark column a layer that suffers at every noise level."}},
      {"pareto",
       {"chart-pareto", "Size versus error (size budget)",
        "After a run with a size budget: output size in bits per weight (across) against the summed error "
        "of the tensors (up, log scale). The frontier is the least error each size could buy, the steps "
        "the choices the allocation went through, the dashed line the budget, the red point the choice made."}},
      {"compare-accuracy",
       {"chart-compare-accuracy", "Per-layer accuracy, runs overlaid",
        "The per-layer accuracy of each ticked run, one line per run. Where the lines part, a layer is "
        "sensitive to the bit width; where they run together, fewer bits cost it little."}},
      {"size-vs-error",
       {"chart-size-error", "Output size versus error",
        "One point per compared run: output size (MB, across) against whole-model relative error (up, log "
        "scale). Down and to the left is better; where the line flattens, extra bits stop paying."}},
      {"histogram",
       {"chart-histogram", "Layer weight distribution",
        "One layer's weights (pick it in the Layer box or the layer table): the original as a grey area, "
        "each run's decoded values on top; few bits show as spikes. <i>errors</i> plots decoded − original "
        "instead (narrower is better); <i>log</i> brings out the tails."}},
  };
  return kTable;
}

const QString kScheme = "manual#";

}  // namespace

QString chartWhatsThis(const QString& chartKey) {
  const auto it = table().find(chartKey);
  if (it == table().end()) return {};
  const ChartHelp& h = it->second;
  return QString("<b>%1</b><p>%2</p><p><a href=\"%3\">More in the manual</a></p>")
      .arg(h.title, h.body, manualLink(h.anchor));
}

QString chartManualAnchor(const QString& chartKey) {
  const auto it = table().find(chartKey);
  return it == table().end() ? QString() : it->second.anchor;
}

QString manualLink(const QString& anchor) { return kScheme + anchor; }

QString anchorOfManualLink(const QString& href) {
  return href.startsWith(kScheme) ? href.mid(kScheme.size()) : QString();
}

}  // namespace aqui
