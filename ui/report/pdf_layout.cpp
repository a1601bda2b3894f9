#include "ui/report/pdf_layout.h"

#include <QFont>
#include <QImage>
#include <QStringList>
#include <QUrl>
#include <algorithm>

#include "ui/util/format.h"

namespace aqui {
namespace {

QString esc(const std::string& s) { return qstr(s).toHtmlEscaped(); }

// QTextDocument wants borders and padding as attributes, not CSS.
const char* const kTable = "<table border=\"1\" cellspacing=\"0\" cellpadding=\"3\" style=\"border-color:#c9d0dc\"";

QString pairs(const QString& title, const std::vector<std::pair<std::string, std::string>>& rows) {
  QString o = "<h3>" + title + "</h3>" + kTable + " width=\"100%\">";
  for (const auto& [k, v] : rows)
    o += "<tr><td bgcolor=\"#f5f7fa\"><b>" + esc(k) + "</b></td><td>" + esc(v) + "</td></tr>";
  return o + "</table>";
}

// Column widths from the longest text in each column (clamped), so that names and plans get the
// room and short figures do not: QTextDocument otherwise splits the width evenly.
std::vector<int> columnPercents(const aq::ReportTable& t) {
  std::vector<double> weight(t.header.size(), 0);
  auto see = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < weight.size(); ++i)
      weight[i] = std::max(weight[i], std::clamp(double(row[i].size()), 8.0, 26.0));
  };
  see(t.header);
  for (const auto& row : t.rows) see(row);
  double sum = 0;
  for (double w : weight) sum += w;
  std::vector<int> out;
  for (double w : weight) out.push_back(sum > 0 ? int(100 * w / sum) : 0);
  return out;
}

// A short figure ("0.999986", "45.52 dB") is never broken across lines; long text wraps.
QString cell(const QString& tag, const std::string& text) {
  const QString name = tag.section(' ', 0, 0);
  const QString nowrap = text.size() <= 12 ? " style=\"white-space:nowrap\"" : "";
  return "<" + tag + nowrap + ">" + esc(text) + "</" + name + ">";
}

QString table(const aq::ReportTable& t) {
  QString o;
  if (!t.title.empty()) o += "<h3>" + esc(t.title) + "</h3>";
  // Wide tables (the runs side by side, the per-tensor results) in a smaller type to fit the page.
  const bool wide = t.header.size() > 8;
  QString open = kTable;
  if (wide) open.replace("cellpadding=\"3\"", "cellpadding=\"2\"");
  o += open + " width=\"100%\"" + (wide ? " style=\"font-size:6.5pt\"" : "") + "><thead><tr>";
  const auto widths = columnPercents(t);
  for (std::size_t i = 0; i < t.header.size(); ++i)
    o += cell(QString("th bgcolor=\"#eef2f8\" align=\"left\" width=\"%1%\"").arg(widths[i]), t.header[i]);
  o += "</tr></thead>";
  for (const auto& row : t.rows) {
    o += "<tr>";
    for (const auto& c : row) o += cell("td", c);
    o += "</tr>";
  }
  return o + "</table>";
}

QString paragraphs(const aq::ReportSection& s) {
  QString o;
  for (const auto& p : s.paragraphs) o += "<p>" + esc(p) + "</p>";
  return o;
}

std::vector<std::pair<std::string, std::string>> machineRows(const aq::MachineInfo& m) {
  return {{"Machine", m.describe()}};
}

QString summaryPage(const aq::ReportDocument& doc) {
  QString o = "<h1>" + esc(doc.title) + "</h1><p style=\"color:#556677\">Generated " + esc(doc.generated_at) +
              " by ArrowQuant " + esc(doc.tool_version) + "</p>";
  if (doc.sections.empty()) return o + pairs("Machine", machineRows(doc.machine));
  const aq::ReportSection& s = doc.sections.front();
  const bool narrow = !s.tables.empty() && s.tables.front().header.size() <= 2;
  const QString settings = pairs("Settings", doc.settings) + pairs("Machine", machineRows(doc.machine));
  o += "<h2>" + esc(s.heading) + "</h2>" + paragraphs(s);
  QString figures;
  for (const auto& t : s.tables) figures += table(t);
  if (narrow)  // a run: its key figures beside the settings
    o += "<table width=\"100%\" cellspacing=\"0\" cellpadding=\"0\"><tr><td width=\"48%\" valign=\"top\">" + figures +
         "</td><td width=\"4%\"></td><td width=\"48%\" valign=\"top\">" + settings + "</td></tr></table>";
  else  // a comparison: the runs side by side need the whole width
    o += figures + settings;
  return o;
}

QString figure(const aq::ReportImage& img, const PdfPage& page, bool newPage) {
  const int w = int(page.widthPx), h = int(page.widthPx * kPdfChartSize.height() / kPdfChartSize.width());
  QString o = QString("<p align=\"center\" style=\"line-height:100%%;%1\">")
                  .arg(newPage ? "page-break-before:always;" : "margin-top:18px;");
  o += QString("<img width=\"%1\" height=\"%2\" src=\"data:%3;base64,%4\">")
           .arg(w)
           .arg(h)
           .arg(qstr(img.mime))
           .arg(QString::fromLatin1(QByteArray::fromStdString(img.bytes).toBase64()));
  // In the same paragraph, so the caption never lands on the next page without its chart.
  if (!img.title.empty()) o += "<br><span style=\"color:#556677\">" + esc(img.title) + "</span>";
  return o + "</p>";
}

// QTextDocument does not decode data: URIs by itself; the layout embeds its images that way.
class DataUriDocument : public QTextDocument {
 public:
  explicit DataUriDocument(qreal shownWidth) : shownWidth_(shownWidth) {}

 protected:
  QVariant loadResource(int type, const QUrl& name) override {
    if (type == QTextDocument::ImageResource && name.scheme() == "data") {
      const QString s = name.toString();
      const auto comma = s.indexOf(',');
      if (comma > 0) {
        QImage img;
        img.loadFromData(QByteArray::fromBase64(s.mid(comma + 1).toLatin1()));
        // The layout sizes the line from the image's logical size: make it the size shown.
        if (!img.isNull()) img.setDevicePixelRatio(qreal(img.width()) / shownWidth_);
        return img;
      }
    }
    return QTextDocument::loadResource(type, name);
  }

 private:
  qreal shownWidth_;
};

}  // namespace

std::unique_ptr<QTextDocument> pdfDocument(const aq::ReportDocument& doc, const PdfPage& page) {
  auto text = std::make_unique<DataUriDocument>(page.widthPx);
  QFont font("DejaVu Sans");
  font.setPointSizeF(8);
  text->setDefaultFont(font);
  text->setHtml(pdfHtml(doc, page));
  text->setPageSize(QSizeF(page.widthPx, page.heightPx));
  return text;
}

QString pdfHtml(const aq::ReportDocument& doc, const PdfPage& page) {
  QString o = "<html><body>" + summaryPage(doc);
  for (std::size_t i = 1; i < doc.sections.size(); ++i) {
    const aq::ReportSection& s = doc.sections[i];
    o += "<h2 style=\"page-break-before:always\">" + esc(s.heading) + "</h2>" + paragraphs(s);
    for (const auto& t : s.tables) o += table(t);
    // Two charts to a page: every other one starts a new page (the first follows the heading).
    for (std::size_t k = 0; k < s.images.size(); ++k) o += figure(s.images[k], page, k > 0 && k % 2 == 0);
  }
  return o + "</body></html>";
}

}  // namespace aqui
