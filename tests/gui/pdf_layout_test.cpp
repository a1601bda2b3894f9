// The PDF report reads like a document (issue 10): the summary alone on page 1, the charts at the
// full text width two to a page with each caption on its chart's page, and the per-tensor table
// last. Checked on the laid-out QTextDocument that writePdf prints, page by page.
#include <QAbstractTextDocumentLayout>
#include <QBuffer>
#include <QImage>
#include <QPainter>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextFragment>
#include <QTextImageFormat>

#include "ui/report/pdf_layout.h"

using namespace aqui;

namespace {

std::string pngOf(QColor color) {
  QImage img(kPdfChartSize * 3, QImage::Format_RGB32);
  img.fill(color);
  QByteArray bytes;
  QBuffer buf(&bytes);
  buf.open(QIODevice::WriteOnly);
  img.save(&buf, "PNG");
  return bytes.toStdString();
}

aq::ReportDocument document(int charts, int tensorRows) {
  aq::ReportDocument d;
  d.title = "ArrowQuant run report: demo.safetensors";
  d.settings = {{"Input", "/models/demo.safetensors"}, {"Scheme", "INT4 g64 asym search"}};
  aq::ReportSection summary;
  summary.heading = "Summary";
  aq::ReportTable totals{"Totals", {"Figure", "Value"}, {}};
  for (int i = 0; i < 19; ++i) totals.rows.push_back({"Figure " + std::to_string(i), "value"});
  summary.tables.push_back(totals);
  d.sections.push_back(summary);
  aq::ReportSection chartSection;
  chartSection.heading = "Charts";
  for (int i = 0; i < charts; ++i)
    chartSection.images.push_back({"Chart caption " + std::to_string(i), "image/png", pngOf(QColor(30 * i, 90, 160)), ""});
  d.sections.push_back(chartSection);
  aq::ReportSection tensors;
  tensors.heading = "Per-tensor results";
  aq::ReportTable t{"Per-tensor results, run 1",
                    {"Tensor", "Shape", "DType", "Plan", "Params", "Bits/w", "Cosine", "SQNR", "Rel. error", "Time"},
                    {}};
  for (int i = 0; i < tensorRows; ++i)
    t.rows.push_back({"blocks." + std::to_string(i) + ".attn.qkv.weight", "[1152, 384]", "F16", "INT4 g64 asym search",
                      "442.4 k", "4.50", "0.996155", "21.15 dB", "8.761 %", "0.6 ms"});
  tensors.tables.push_back(t);
  d.sections.push_back(tensors);
  return d;
}

struct Laid {
  std::unique_ptr<QTextDocument> doc;
  PdfPage page;
  int pageOf(qreal y) const { return int(y / doc->pageSize().height()); }
  QRectF rect(const QTextBlock& b) const { return doc->documentLayout()->blockBoundingRect(b); }
  /// The first block whose text contains `text`.
  QTextBlock find(const QString& text) const {
    for (QTextBlock b = doc->begin(); b.isValid(); b = b.next())
      if (b.text().replace(QChar::Nbsp, ' ').contains(text)) return b;  // nowrap cells use no-break spaces
    return {};
  }
};

Laid layOut(const aq::ReportDocument& d) {
  Laid l;
  l.doc = pdfDocument(d, l.page);
  l.doc->documentLayout()->documentSize();  // force the layout
  return l;
}

}  // namespace

class PdfLayoutTest : public QObject {
  Q_OBJECT
 private slots:
  void summaryIsPageOneAndAlone() {
    const Laid l = layOut(document(3, 40));
    for (const char* text : {"Summary", "Figure 18", "Settings", "INT4 g64 asym search", "Machine"}) {
      const QTextBlock b = l.find(text);
      QVERIFY2(b.isValid(), text);
      QCOMPARE(l.pageOf(l.rect(b).bottom()), 0);
    }
    QVERIFY(l.pageOf(l.rect(l.find("Charts")).top()) >= 1);
  }

  void chartsFillTheWidthTwoToAPageWithTheirCaptions() {
    const Laid l = layOut(document(5, 10));
    std::vector<int> pages;
    for (QTextBlock b = l.doc->begin(); b.isValid(); b = b.next()) {
      for (auto it = b.begin(); !it.atEnd(); ++it) {
        const QTextCharFormat f = it.fragment().charFormat();
        if (!f.isImageFormat()) continue;
        QCOMPARE(f.toImageFormat().width(), qreal(int(l.page.widthPx)));
        // The image and its caption: one block, its first and last lines on the same page.
        QVERIFY2(b.text().contains("Chart caption"), "the caption is in the chart's paragraph");
        const qreal top = l.rect(b).top();
        const QTextLine first = b.layout()->lineAt(0), last = b.layout()->lineAt(b.layout()->lineCount() - 1);
        QVERIFY(b.layout()->lineCount() >= 2);
        const int page = l.pageOf(top + first.y() + 1);
        QCOMPARE(l.pageOf(top + last.y() + last.height() - 1), page);
        pages.push_back(page);
      }
    }
    QCOMPARE(pages.size(), std::size_t(5));
    QCOMPARE(pages[1], pages[0]);
    QCOMPARE(pages[2], pages[0] + 1);
    QCOMPARE(pages[3], pages[2]);
    QCOMPARE(pages[4], pages[2] + 1);
  }

  void perTensorTableComesLastFromItsOwnPage() {
    const Laid l = layOut(document(2, 200));
    const int chartsEnd = l.pageOf(l.rect(l.find("Chart caption 1")).bottom());
    const QTextBlock heading = l.find("Per-tensor results");
    QVERIFY(heading.isValid());
    QCOMPARE(l.pageOf(l.rect(heading).top() + 1), chartsEnd + 1);
    QVERIFY(l.doc->pageCount() >= chartsEnd + 3);  // 200 rows span pages
    QVERIFY(l.rect(l.find("blocks.199.attn")).top() > l.rect(l.find("Chart caption 1")).bottom());
  }
};

QTEST_MAIN(PdfLayoutTest)
#include "pdf_layout_test.moc"
