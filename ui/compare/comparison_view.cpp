#include "ui/compare/comparison_view.h"

#include <QComboBox>
#include <QCompleter>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <filesystem>

#include "io/model_source.h"
#include "job/session.h"
#include "ui/charts/accuracy_chart.h"
#include "ui/charts/series_palette.h"
#include "ui/charts/histogram_chart.h"
#include "ui/charts/size_error_chart.h"
#include "ui/compare/comparison_rows.h"
#include "ui/compare/histogram_service.h"
#include "report/run_stats.h"
#include "ui/util/format.h"

namespace aqui {
namespace {

bool sameFile(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::error_code ec;
  return std::filesystem::weakly_canonical(a, ec) == std::filesystem::weakly_canonical(b, ec);
}

}  // namespace

ComparisonView::ComparisonView(RunHistory* history, QWidget* parent)
    : QWidget(parent), history_(history), histograms_(new HistogramService(this)) {
  runList_ = new QListWidget;
  runList_->setObjectName("runList");
  runList_->setToolTip("Tick the runs to compare (any runs of this session)");
  table_ = new QTableWidget;
  table_->setObjectName("comparisonTable");
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->verticalHeader()->setVisible(false);
  table_->setAlternatingRowColors(true);
  table_->setSortingEnabled(false);
  note_ = new QLabel;
  note_->setWordWrap(true);

  auto* runsBox = new QWidget;
  auto* runsLayout = new QVBoxLayout(runsBox);
  runsLayout->setContentsMargins(0, 0, 0, 0);
  runsLayout->addWidget(new QLabel("<b>Runs of this session</b> (tick to compare)"));
  runsLayout->addWidget(runList_, 1);
  auto* tableBox = new QWidget;
  auto* tableLayout = new QVBoxLayout(tableBox);
  tableLayout->setContentsMargins(0, 0, 0, 0);
  tableLayout->addWidget(table_, 1);
  tableLayout->addWidget(note_);
  auto* top = new QSplitter(Qt::Horizontal);
  top->addWidget(runsBox);
  top->addWidget(tableBox);
  top->setStretchFactor(1, 4);
  top->setSizes({200, 1100});

  accuracy_ = new AccuracyChart(nullptr, "compare-accuracy", "Per-layer accuracy, runs overlaid");
  sizeError_ = new SizeErrorChart;
  histogram_ = new HistogramChart;
  layerBox_ = new QComboBox;
  layerBox_->setObjectName("histogramLayer");
  layerBox_->setEditable(true);
  layerBox_->setInsertPolicy(QComboBox::NoInsert);
  layerBox_->completer()->setFilterMode(Qt::MatchContains);
  layerBox_->completer()->setCompletionMode(QCompleter::PopupCompletion);
  layerBox_->setMinimumContentsLength(14);  // long names elide; the popup shows them whole
  auto* histBox = new QWidget;
  auto* histLayout = new QVBoxLayout(histBox);
  histLayout->setContentsMargins(0, 0, 0, 0);
  auto* layerRow = new QHBoxLayout;
  layerRow->addWidget(new QLabel("Layer:"));
  layerRow->addWidget(layerBox_, 1);
  histLayout->addLayout(layerRow);
  histLayout->addWidget(histogram_, 1);

  auto* charts = new QSplitter(Qt::Horizontal);
  charts->addWidget(accuracy_);
  charts->addWidget(sizeError_);
  charts->addWidget(histBox);
  charts->setChildrenCollapsible(false);
  charts->setSizes({430, 330, 470});

  vsplit_ = new QSplitter(Qt::Vertical);
  vsplit_->setObjectName("comparisonSplitter");
  vsplit_->addWidget(top);
  vsplit_->addWidget(charts);
  vsplit_->setStretchFactor(1, 3);
  vsplit_->setSizes({170, 650});
  auto* l = new QVBoxLayout(this);
  l->setContentsMargins(4, 4, 4, 4);
  l->addWidget(vsplit_);

  for (const auto& r : history_->runs()) addRunItem(r);
  connect(history_, &RunHistory::added, this, &ComparisonView::addRunItem);
  connect(runList_, &QListWidget::itemChanged, this, [this] {
    if (!updating_) refresh();
  });
  connect(layerBox_, &QComboBox::activated, this, [this](int i) {
    setLayer(std::size_t(layerBox_->itemData(i).toULongLong()));
  });
  connect(histograms_, &HistogramService::ready, this, [this](const aq::LayerHistograms& h) {
    std::vector<QString> labels;
    std::vector<int> colors;
    const auto runs = comparedRuns();
    for (std::size_t i = 0; i < runs.size(); ++i) {
      for (const auto& t : runs[i].result->tensors)
        if (t.index == h.index && t.quantized()) {
          labels.push_back(runs[i].shortLabel);
          colors.push_back(int(i));
        }
    }
    histogram_->setData(h, labels, colors);
    emit histogramUpdated();
  });
  connect(histograms_, &HistogramService::failed, this, [this](const QString& msg) {
    histogram_->setMessage(msg);
    emit histogramUpdated();
  });
  refresh();
}

std::vector<ChartPanel*> ComparisonView::charts() const { return {accuracy_, sizeError_, histogram_}; }

void ComparisonView::setSession(std::shared_ptr<const aq::Session> session) {
  session_ = std::move(session);
  layer_ = -1;
  requestHistogram();
}

void ComparisonView::addRunItem(const RunRecord& run) {
  const aq::JobResult& r = *run.result;
  auto* item = new QListWidgetItem(QString("%1 · %2 · %3").arg(run.label, runModelName(r), formatBytes(r.output_bytes)));
  item->setData(Qt::UserRole, run.id);
  item->setToolTip(QString("%1\n%2 → %3\nfinished %4")
                       .arg(describeRun(r), qstr(r.config.input.string()),
                            r.config.output.empty() ? QString("(measured only)") : qstr(r.config.output.string()),
                            run.finished.toString(Qt::ISODate)));
  item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
  updating_ = true;
  item->setCheckState(Qt::Unchecked);
  runList_->addItem(item);
  updating_ = false;
}

void ComparisonView::compare(const std::vector<int>& ids) {
  updating_ = true;
  for (int i = 0; i < runList_->count(); ++i) {
    QListWidgetItem* it = runList_->item(i);
    const bool on = std::find(ids.begin(), ids.end(), it->data(Qt::UserRole).toInt()) != ids.end();
    it->setCheckState(on ? Qt::Checked : Qt::Unchecked);
  }
  updating_ = false;
  refresh();
}

std::vector<int> ComparisonView::selectedRunIds() const {
  std::vector<int> ids;
  for (int i = 0; i < runList_->count(); ++i)
    if (runList_->item(i)->checkState() == Qt::Checked) ids.push_back(runList_->item(i)->data(Qt::UserRole).toInt());
  return ids;
}

std::vector<RunRecord> ComparisonView::comparedRuns() const { return history_->select(selectedRunIds()); }

void ComparisonView::refresh() {
  const auto runs = comparedRuns();
  accuracy_->clear();
  std::vector<SizeErrorPoint> points;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    accuracy_->addResults(runs[i].shortLabel, runs[i].result->tensors);
    const aq::RunStats s = aq::run_stats(*runs[i].result);
    points.push_back({runs[i].shortLabel, double(runs[i].result->output_bytes) / 1e6, s.overall.rel_fro_error,
                      s.mean_sqnr_db, int(i)});
  }
  sizeError_->setPoints(points);
  fillTable(runs);
  fillLayers(runs);
  if (runs.size() < 2) {
    note_->setText(runs.empty() ? "Tick two or more runs, or use Run ▸ Compare bit widths."
                                : "Tick at least one more run to compare.");
  } else if (const QString mixed = mixedModelsWarning(runs); !mixed.isEmpty()) {
    note_->setText("<span style=\"color:#c05a00\"><b>Warning:</b> " + mixed.toHtmlEscaped() + "</span>");
  } else {
    note_->clear();
  }
  requestHistogram();
  emit comparisonChanged();
}

void ComparisonView::fillTable(const std::vector<RunRecord>& runs) {
  const QStringList header = comparisonHeader();
  const auto rows = comparisonRows(runs);
  table_->clear();
  table_->setColumnCount(int(header.size()));
  table_->setHorizontalHeaderLabels(header);
  table_->setRowCount(int(rows.size()));
  for (int r = 0; r < int(rows.size()); ++r)
    for (int c = 0; c < int(rows[std::size_t(r)].size()); ++c) {
      auto* item = new QTableWidgetItem(rows[std::size_t(r)][c]);
      if (c == 0) item->setForeground(QBrush(seriesColor(r)));
      table_->setItem(r, c, item);
    }
  table_->resizeColumnsToContents();
  table_->horizontalHeader()->setStretchLastSection(true);
}

void ComparisonView::fillLayers(const std::vector<RunRecord>& runs) {
  // The layers any compared run quantized, in model order.
  std::vector<std::pair<std::size_t, QString>> layers;
  for (const auto& run : runs)
    for (const auto& t : run.result->tensors)
      if (t.quantized()) layers.emplace_back(t.index, qstr(t.name));
  std::sort(layers.begin(), layers.end());
  layers.erase(std::unique(layers.begin(), layers.end()), layers.end());
  layerBox_->blockSignals(true);
  layerBox_->clear();
  for (const auto& [index, name] : layers) layerBox_->addItem(name, qulonglong(index));
  layerBox_->blockSignals(false);

  // No layer chosen yet: show the one the lowest bit width hurts most — the interesting one.
  if (layer_ < 0 && !runs.empty()) {
    const RunRecord* lowest = &runs.front();
    for (const auto& r : runs)
      if (r.result->config.plan.scheme.bits < lowest->result->config.plan.scheme.bits) lowest = &r;
    const aq::RunStats s = aq::run_stats(*lowest->result);
    for (const auto& t : lowest->result->tensors)
      if (t.name == s.worst_sqnr_layer) layer_ = std::ptrdiff_t(t.index);
  }
  const int at = layerBox_->findData(qulonglong(std::max<std::ptrdiff_t>(layer_, 0)));
  if (layer_ >= 0 && at >= 0) layerBox_->setCurrentIndex(at);
}

void ComparisonView::setLayer(std::size_t index) {
  layer_ = std::ptrdiff_t(index);
  const int at = layerBox_->findData(qulonglong(index));
  if (at >= 0) layerBox_->setCurrentIndex(at);
  requestHistogram();
}

void ComparisonView::requestHistogram() {
  const auto runs = comparedRuns();
  if (runs.empty()) return histogram_->setMessage("tick runs to compare");
  if (!session_) return histogram_->setMessage("open the model these runs were made on");
  const aq::ModelSource& source = session_->source();
  if (layer_ < 0 || std::size_t(layer_) >= source.tensors().size())
    return histogram_->setMessage("select a layer in the table");
  std::vector<aq::QuantScheme> schemes;
  for (const auto& run : runs) {
    if (!sameFile(run.result->config.input, source.path()))
      return histogram_->setMessage("run " + run.label + " is of another model");
    for (const auto& t : run.result->tensors)
      if (t.index == std::size_t(layer_) && t.quantized()) schemes.push_back(t.scheme);
  }
  if (schemes.empty()) return histogram_->setMessage("this layer is kept in float by every compared run");
  histogram_->setMessage("computing " + qstr(source.tensors()[std::size_t(layer_)].name) + " …");
  histograms_->request(session_, std::size_t(layer_), schemes);
}

}  // namespace aqui
