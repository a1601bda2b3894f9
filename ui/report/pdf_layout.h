#pragma once
// The PDF report's page layout, as HTML for QTextDocument (which knows tables, page-break-before
// and explicit image sizes, but not CSS layout): a one-page summary first (the key figures beside
// the settings and the machine), then the charts at the full text width, two to a page with each
// caption under its chart, then the remaining sections (warnings, the per-tensor table last), each
// from a new page. The HTML export keeps the core's flowing layout (report/report_document.h).
#include <QSize>
#include <QString>
#include <QTextDocument>
#include <memory>

#include "report/report_document.h"

namespace aqui {

struct PdfPage {
  qreal widthPx = 680;    // the printable area in layout pixels (96 per inch): A4 portrait, 15 mm margins
  qreal heightPx = 1009;
};

/// The charts' size when rendered for the PDF: smaller than the screen export, so that at the
/// full text width their labels come out at a legible size (about 7 pt).
inline constexpr QSize kPdfChartSize{640, 360};

/// `doc`'s first section is the summary (buildReport's contract), shown on page 1.
QString pdfHtml(const aq::ReportDocument& doc, const PdfPage& page);

/// pdfHtml laid out on pages of `page`'s size in the report's type (8 pt DejaVu Sans), with its
/// embedded images decoded: ready for print() onto a QPdfWriter.
std::unique_ptr<QTextDocument> pdfDocument(const aq::ReportDocument& doc, const PdfPage& page);

}  // namespace aqui
