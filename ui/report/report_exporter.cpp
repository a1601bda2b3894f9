#include "ui/report/report_exporter.h"

#include <QByteArray>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <sstream>

#include "report/run_report.h"
#include "ui/charts/chart_panel.h"
#include "ui/report/pdf_layout.h"
#include "ui/util/format.h"

namespace aqui {
namespace {

QString save(const QString& path, const QByteArray& bytes) {
  QSaveFile f(path);
  if (!f.open(QIODevice::WriteOnly)) return path + ": " + f.errorString();
  if (f.write(bytes) != bytes.size() || !f.commit()) return path + ": " + f.errorString();
  return {};
}

}  // namespace

QString ReportExporter::writeHtml(const aq::ReportDocument& doc, const QString& path) {
  return save(path, QByteArray::fromStdString(aq::render_html(doc)));
}

QString ReportExporter::writePdf(const aq::ReportDocument& doc, const QString& path) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) return path + ": " + file.errorString();
  {
    QPdfWriter writer(&file);
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setPageOrientation(QPageLayout::Portrait);
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter);
    writer.setTitle(qstr(doc.title));
    writer.setCreator("ArrowQuant " AQ_VERSION);
    writer.setResolution(150);
    // Lay the document out on a page of the printable area's size in screen pixels (96 per
    // inch); print() then scales each page onto the PDF page. Without a page size it lays out at
    // the writer's resolution with its own margins, which squeezes wide tables into a column.
    const QRectF area = writer.pageLayout().paintRect(QPageLayout::Point);
    const PdfPage page{area.width() * 96.0 / 72.0, area.height() * 96.0 / 72.0};
    const auto text = pdfDocument(doc, page);
    text->print(&writer);
  }
  if (!file.commit()) return path + ": " + file.errorString();
  return {};
}

QString ReportExporter::writeJson(const std::vector<RunRecord>& runs, const QString& path) {
  nlohmann::json j;
  if (runs.size() == 1) {
    j = aq::run_to_json(*runs.front().result);
  } else {
    j["runs"] = nlohmann::json::array();
    for (const auto& r : runs)
      j["runs"].push_back({{"label", sstr(r.label)}, {"id", r.id}, {"run", aq::run_to_json(*r.result)}});
  }
  return save(path, QByteArray::fromStdString(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"));
}

QString ReportExporter::writeCsv(const std::vector<RunRecord>& runs, const QString& path) {
  std::string out;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    std::ostringstream csv;
    aq::write_tensor_csv(*runs[i].result, csv);
    if (runs.size() == 1) {
      out = csv.str();
      break;
    }
    std::istringstream lines(csv.str());
    std::string line;
    bool header = true;
    while (std::getline(lines, line)) {
      if (header) {
        if (i == 0) out += "run," + line + "\n";
        header = false;
        continue;
      }
      out += std::to_string(runs[i].id) + "," + line + "\n";
    }
  }
  return save(path, QByteArray::fromStdString(out));
}

}  // namespace aqui
