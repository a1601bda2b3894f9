#include "ui/report/report_exporter.h"

#include <QByteArray>
#include <QImage>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextDocument>
#include <QUrl>
#include <sstream>

#include "report/run_report.h"
#include "ui/charts/chart_panel.h"
#include "ui/util/format.h"

namespace aqui {
namespace {

QString save(const QString& path, const QByteArray& bytes) {
  QSaveFile f(path);
  if (!f.open(QIODevice::WriteOnly)) return path + ": " + f.errorString();
  if (f.write(bytes) != bytes.size() || !f.commit()) return path + ": " + f.errorString();
  return {};
}

constexpr int kShownWidth = 520;  // chart images in the PDF, in document pixels (96 per inch)

// QTextDocument does not decode data: URIs by itself; the report embeds its images that way.
class DataUriDocument : public QTextDocument {
 protected:
  QVariant loadResource(int type, const QUrl& name) override {
    if (type == QTextDocument::ImageResource && name.scheme() == "data") {
      const QString s = name.toString();
      const auto comma = s.indexOf(',');
      if (comma > 0) {
        QImage img;
        img.loadFromData(QByteArray::fromBase64(s.mid(comma + 1).toLatin1()));
        // The layout sizes the line from the image's logical size: make it the size shown.
        if (!img.isNull()) img.setDevicePixelRatio(qreal(img.width()) / kShownWidth);
        return img;
      }
    }
    return QTextDocument::loadResource(type, name);
  }
};

}  // namespace

QString ReportExporter::writeHtml(const aq::ReportDocument& doc, const QString& path) {
  return save(path, QByteArray::fromStdString(aq::render_html(doc)));
}

QString ReportExporter::writePdf(const aq::ReportDocument& doc, const QString& path) {
  QString html = qstr(aq::render_html(doc));
  // QTextDocument ignores CSS max-width; a fixed size keeps the 2x chart images on the page.
  // (Report charts are rendered at ChartPanel::kExportSize, so the aspect ratio is known.)
  const QSize shown(kShownWidth, kShownWidth * ChartPanel::kExportSize.height() / ChartPanel::kExportSize.width());
  html.replace("<img ", QString("<img width=\"%1\" height=\"%2\" ").arg(shown.width()).arg(shown.height()));
  // It does not know <figure>: make each one a centred paragraph with the caption under it.
  // The page's line-height of 1.4 would apply to the image's line too: reset it there.
  html.replace("<figure>", "<p align=\"center\" style=\"line-height:100%\">");
  html.replace("</figure>", "</p>");
  html.replace("<figcaption>", "<br><span style=\"color:#556677\">");
  html.replace("</figcaption>", "</span>");
  // Its table support wants explicit borders and padding as attributes.
  html.replace("<table>", "<table border=\"1\" cellspacing=\"0\" cellpadding=\"3\">");
  html.replace("<table class=\"kv\">", "<table border=\"1\" cellspacing=\"0\" cellpadding=\"3\">");

  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) return path + ": " + file.errorString();
  {
    QPdfWriter writer(&file);
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setPageOrientation(QPageLayout::Landscape);  // the per-tensor tables are wide
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter);
    writer.setTitle(qstr(doc.title));
    writer.setCreator("ArrowQuant " AQ_VERSION);
    writer.setResolution(150);
    DataUriDocument text;
    QFont font("DejaVu Sans");
    font.setPointSizeF(8);
    text.setDefaultFont(font);
    text.setHtml(html);
    // Lay the document out on a page of the printable area's size in screen pixels (96 per
    // inch); print() then scales each page onto the PDF page. Without a page size it lays out at
    // the writer's resolution with its own margins, which squeezes wide tables into a column.
    const QRectF area = writer.pageLayout().paintRect(QPageLayout::Point);
    text.setPageSize(QSizeF(area.width() * 96.0 / 72.0, area.height() * 96.0 / 72.0));
    text.print(&writer);
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
