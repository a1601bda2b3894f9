#include "ui/report/report_builder.h"

#include <QDateTime>
#include <set>

#include "report/run_report.h"
#include "sys/machine.h"
#include "ui/charts/chart_exporter.h"
#include "ui/compare/comparison_rows.h"
#include "report/run_stats.h"
#include "ui/util/format.h"

namespace aqui {
namespace {

std::vector<std::string> toStd(const QStringList& l) {
  std::vector<std::string> out;
  for (const QString& s : l) out.push_back(sstr(s));
  return out;
}

std::string num(double v, int prec) { return sstr(QString::number(v, 'f', prec)); }

aq::ReportTable summaryTable(const RunRecord& run) {
  const aq::JobResult& r = *run.result;
  const aq::RunStats s = aq::run_stats(r);
  aq::ReportTable t;
  t.title = "Totals";
  t.header = {"Figure", "Value"};
  t.rows = {
      {"Status", std::string(aq::status_name(r.status))},
      {"Model family", std::string(aq::family_name(r.family))},
      {"Source format", r.source_format},
      {"Parameters", sstr(formatParams(r.params)) + " (" + sstr(formatParams(r.quantized_params)) + " quantized)"},
      {"Input size", aq::format_mb(r.input_bytes)},
      {"Output size (tensor data)", aq::format_mb(r.output_bytes)},
      {"Output file", r.output_file_bytes ? aq::format_mb(r.output_file_bytes) : "(not written)"},
      {"Compression", num(r.compression_ratio(), 2) + "x"},
      {"Bits per weight", num(r.bits_per_weight(), 3)},
      {"Quantized layers", std::to_string(s.quantized_layers)},
      {"Mean SQNR", sstr(formatDb(s.mean_sqnr_db))},
      {"Worst layer SQNR", sstr(formatDb(s.worst_sqnr_db)) + " (" + s.worst_sqnr_layer + ")"},
      {"Mean cosine", sstr(formatCosine(s.mean_cosine))},
      {"Relative error, whole model", sstr(formatPercent(s.overall.rel_fro_error))},
      {"Wall time", sstr(formatSeconds(r.wall_s))},
      {"Throughput", num(r.mb_per_s(), 1) + " MB/s"},
      {"Peak resident memory", aq::format_mib(r.peak_rss)},
      {"Kernels", r.kernels},
      {"Threads used", std::to_string(r.threads)},
  };
  return t;
}

aq::ReportTable tensorTable(const RunRecord& run) {
  aq::ReportTable t;
  t.title = "Per-tensor results, " + sstr(run.label);
  t.header = {"Tensor", "Shape", "DType", "Plan", "Params", "Bits/w", "Cosine", "SQNR", "Rel. error", "Time"};
  for (const auto& x : run.result->tensors) {
    std::string shape = "[";
    for (std::size_t i = 0; i < x.shape.size(); ++i) shape += (i ? ", " : "") + std::to_string(x.shape[i]);
    shape += "]";
    const bool q = x.quantized();
    t.rows.push_back({x.name, shape, x.dtype, q ? x.scheme.describe() : "float: " + x.reason,
                      sstr(formatParams(x.params)), num(x.bits_per_weight, 2),
                      q ? sstr(formatCosine(x.metrics.cosine)) : "",
                      q ? sstr(formatDb(x.metrics.sqnr_db)) : "",
                      q ? sstr(formatPercent(x.metrics.rel_fro_error)) : "",
                      num(x.seconds * 1e3, 1) + " ms"});
  }
  return t;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> settingsRows(const aq::JobResult& r) {
  const auto& c = r.config;
  return {
      {"Input", c.input.string()},
      {"Output", c.output.empty() ? "(measured only, nothing written)" : c.output.string()},
      {"Scheme", c.plan.scheme.describe()},
      {"Bit width", "INT" + std::to_string(c.plan.scheme.bits)},
      {"Group size", c.plan.scheme.group_size ? std::to_string(c.plan.scheme.group_size) : "per-channel"},
      {"Range", c.plan.scheme.symmetric ? "symmetric" : "asymmetric"},
      {"Method", std::string(aq::method_name(c.plan.scheme.method))},
      {"Mode", std::string(aq::mode_name(c.mode))},
      {"Threads requested", c.threads ? std::to_string(c.threads) : "all"},
      {"Kept in float", "tensors with at most " + std::to_string(c.plan.min_elements) +
                            " elements, 1-D tensors" + (c.plan.keep_sensitive ? ", diffusion-sensitive layers" : "")},
  };
}

aq::ReportDocument buildReport(const ReportRequest& req) {
  aq::ReportDocument doc;
  doc.generated_at = sstr(QDateTime::currentDateTime().toString(Qt::ISODateWithMs));
  doc.tool_version = AQ_VERSION;
  doc.machine = aq::read_machine_info();
  if (req.runs.empty()) {
    doc.title = "ArrowQuant report (no runs)";
    return doc;
  }
  const aq::JobResult& first = *req.runs.front().result;
  const std::string model = first.config.input.filename().string();

  if (req.runs.size() == 1) {
    doc.title = "ArrowQuant run report: " + model;
    doc.settings = settingsRows(first);
    aq::ReportSection summary;
    summary.heading = "Summary";
    summary.paragraphs.push_back(sstr(req.runs.front().label) + ", " + sstr(describeRun(first)) + ".");
    summary.tables.push_back(summaryTable(req.runs.front()));
    doc.sections.push_back(std::move(summary));
  } else {
    doc.title = "ArrowQuant comparison: " + model;
    // Settings every run shares, then what differs.
    auto rows = settingsRows(first);
    std::set<std::string> differ;
    for (const auto& run : req.runs) {
      const auto other = settingsRows(*run.result);
      for (std::size_t i = 0; i < rows.size() && i < other.size(); ++i)
        if (other[i].second != rows[i].second) differ.insert(rows[i].first);
    }
    // A setting the runs do not share lists each run's value.
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (!differ.count(rows[i].first)) continue;
      std::string each;
      for (const auto& run : req.runs) {
        const auto other = settingsRows(*run.result);
        each += (each.empty() ? "" : "; ") + sstr(run.label) + ": " + (i < other.size() ? other[i].second : "?");
      }
      rows[i].second = each;
    }
    doc.settings = rows;
    aq::ReportSection cmp;
    cmp.heading = "Comparison";
    const std::string mixed = sstr(mixedModelsWarning(req.runs));
    cmp.paragraphs.push_back(std::to_string(req.runs.size()) + " runs" +
                             (mixed.empty() ? " of " + first.config.input.string() : std::string()) +
                             ", one after the other in the same process (peak memory is the "
                             "process's high-water mark, so it never goes down between runs).");
    if (!mixed.empty()) cmp.paragraphs.push_back("Warning: " + mixed);
    aq::ReportTable t;
    t.title = "Runs side by side";
    t.header = toStd(comparisonHeader());
    for (const auto& row : comparisonRows(req.runs)) t.rows.push_back(toStd(row));
    cmp.tables.push_back(std::move(t));
    doc.sections.push_back(std::move(cmp));
  }

  if (!req.charts.empty()) {
    aq::ReportSection charts;
    charts.heading = "Charts";
    for (ChartPanel* c : req.charts) {
      if (c->isEmpty()) continue;
      aq::ReportImage img;
      img.title = sstr(c->title());
      img.mime = "image/png";
      const QByteArray png = ChartExporter::pngBytes(*c, req.chartSize, req.chartScale);
      img.bytes.assign(png.constData(), std::size_t(png.size()));
      img.file_name = sstr(c->key()) + ".png";
      charts.images.push_back(std::move(img));
    }
    doc.sections.push_back(std::move(charts));
  }

  std::vector<std::string> warnings;
  for (const auto& run : req.runs)
    for (const auto& w : run.result->warnings) warnings.push_back(sstr(run.label) + ": " + w);
  if (!warnings.empty()) {
    aq::ReportSection w;
    w.heading = "Warnings";
    w.paragraphs = warnings;
    doc.sections.push_back(std::move(w));
  }

  if (req.perTensorTables) {
    aq::ReportSection tensors;
    tensors.heading = "Per-tensor results";
    for (const auto& run : req.runs) tensors.tables.push_back(tensorTable(run));
    doc.sections.push_back(std::move(tensors));
  }
  return doc;
}

}  // namespace aqui
