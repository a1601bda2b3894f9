// aq::render_html / render_markdown (core/report/report_document.cpp): escaping, embedded images,
// tables. Plain C++ under test; QTest only runs it.
#include <QByteArray>
#include <QTest>
#include <string>

#include "report/report_document.h"

namespace {

aq::ReportDocument sampleDoc() {
  aq::ReportDocument d;
  d.title = "Run <report> & more";
  d.generated_at = "2025-01-01T00:00:00";
  d.tool_version = "0.1.0";
  d.machine.cpu_model = "Test CPU";
  d.machine.logical_cores = 2;
  d.machine.memory_bytes = 8ull << 30;
  d.machine.os = "Debian";
  d.settings = {{"Scheme", "INT4 g64 asym search"}, {"Input", "/tmp/a|b.safetensors"}};
  aq::ReportSection s;
  s.heading = "Summary";
  s.paragraphs = {"Plain text with <tags> & \"quotes\"."};
  s.tables.push_back({"Totals", {"Figure", "Value"}, {{"Bits/w", "4.50"}, {"Pipe|cell", "x"}}});
  aq::ReportImage png;
  png.title = "A PNG";
  png.mime = "image/png";
  png.bytes = std::string("\x89PNG\r\n\x1a\n\x00\x01\x02\xff", 12);
  png.file_name = "a.png";
  aq::ReportImage svg;
  svg.title = "An SVG";
  svg.mime = "image/svg+xml";
  svg.bytes = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>";
  svg.file_name = "b.svg";
  s.images = {png, svg};
  d.sections.push_back(s);
  return d;
}

}  // namespace

class ReportDocumentTest : public QObject {
  Q_OBJECT
 private slots:
  void htmlEscapesText() {
    const QString html = QString::fromStdString(aq::render_html(sampleDoc()));
    QVERIFY(html.startsWith("<!DOCTYPE html>"));
    QVERIFY(html.contains("Run &lt;report&gt; &amp; more"));
    QVERIFY(html.contains("Plain text with &lt;tags&gt; &amp; &quot;quotes&quot;."));
    QVERIFY(!html.contains("<tags>"));
  }

  void htmlEmbedsPngAsBase64() {
    const aq::ReportDocument d = sampleDoc();
    const QString html = QString::fromStdString(aq::render_html(d));
    const QString marker = "src=\"data:image/png;base64,";
    const auto at = html.indexOf(marker);
    QVERIFY(at >= 0);
    const auto start = at + marker.size();
    const QString b64 = html.mid(start, html.indexOf('"', start) - start);
    const QByteArray decoded = QByteArray::fromBase64(b64.toLatin1());
    QCOMPARE(decoded, QByteArray(d.sections[0].images[0].bytes.data(), qsizetype(d.sections[0].images[0].bytes.size())));
  }

  void base64PaddingForEveryLength() {
    for (int n = 0; n < 7; ++n) {
      aq::ReportDocument d;
      aq::ReportSection s;
      aq::ReportImage img;
      img.mime = "image/png";
      for (int i = 0; i < n; ++i) img.bytes += char(0xf0 + i);
      s.images.push_back(img);
      d.sections.push_back(s);
      const QString html = QString::fromStdString(aq::render_html(d));
      const QString marker = "base64,";
      const auto start = html.indexOf(marker) + marker.size();
      const QString b64 = html.mid(start, html.indexOf('"', start) - start);
      QCOMPARE(b64, QString::fromLatin1(QByteArray::fromStdString(img.bytes).toBase64()));
    }
  }

  void htmlInlinesSvgWithoutProlog() {
    const QString html = QString::fromStdString(aq::render_html(sampleDoc()));
    QVERIFY(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>"));
    QVERIFY(!html.contains("<?xml"));
    QVERIFY(!html.contains("<!DOCTYPE svg>"));
  }

  void htmlHasTablesMachineAndSettings() {
    const QString html = QString::fromStdString(aq::render_html(sampleDoc()));
    QVERIFY(html.contains("<th>Figure</th><th>Value</th>"));
    QVERIFY(html.contains("<td>Bits/w</td><td>4.50</td>"));
    QVERIFY(html.contains("Test CPU"));
    QVERIFY(html.contains("8.0 GiB"));
    QVERIFY(html.contains("INT4 g64 asym search"));
    QVERIFY(html.contains("0.1.0"));
  }

  void markdownReferencesImagesAndEscapesPipes() {
    const QString md = QString::fromStdString(aq::render_markdown(sampleDoc()));
    QVERIFY(md.startsWith("# Run <report> & more"));
    QVERIFY(md.contains("![A PNG](a.png)"));
    QVERIFY(md.contains("![An SVG](b.svg)"));
    QVERIFY(md.contains("| Figure | Value |"));
    QVERIFY(md.contains("|---|---|"));
    QVERIFY(md.contains("Pipe\\|cell"));
    QVERIFY(md.contains("/tmp/a\\|b.safetensors"));
    QVERIFY(!md.contains("base64"));
  }
};

QTEST_APPLESS_MAIN(ReportDocumentTest)
#include "report_document_test.moc"
